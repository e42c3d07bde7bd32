package io.jenkins.plugins.bluegreen.plugin;

import hudson.AbortException;
import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.CutoverVerification;
import io.jenkins.plugins.bluegreen.core.HistoryEntry;
import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import java.time.Duration;
import java.time.Instant;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Switches traffic, then optionally waits (timer-based, restart-safe) until the old colour is scaled down.
 *
 * <p>Resuming {@link Phase#SWITCHING} never switches blindly a second time (that would flip traffic back): it
 * reads the Service and finishes if the target — given, or recorded in the history by this build — is live.
 */
final class SwitchTrafficExecution extends ClusterStepExecution<SwitchTrafficStep> {
    private static final long serialVersionUID = 1L;

    enum Phase { SWITCHING, VERIFYING, WAITING_FOR_SCALE_DOWN, DONE }

    private Phase phase = Phase.SWITCHING;
    private Instant startedAt;
    /** The new live colour once switched. */
    private String liveColor;
    /** While verifying: the colour traffic left, its scale-down time, the window's end (for stop and resume). */
    private String previousColor;
    private Instant previousScaleDownAt;
    private Instant verifyUntil;

    SwitchTrafficExecution(SwitchTrafficStep step, StepContext context) {
        super(step, context);
    }

    @Override
    void validate() {
        step.parsedTo();
        step.parsedScaleDownDelay();
        step.parsedLockWait();
        step.parsedVerifyFor();
        step.parsedExpectRevision();
    }

    @Override
    void begin() {
        startedAt = Instant.now();
        switchNow(step.parsedTo());
    }

    private void switchNow(Color to) {
        phase = Phase.SWITCHING;
        save();
        if (step.isDryRun()) {
            // the plan covers the switch's writes and names the verification window that would follow them
            planOnly("switching traffic of " + step.getApp(), engine -> engine.switchTraffic(request(to)),
                    r -> r.to().label());
            return;
        }
        SwitchRequest request = request(to);
        String what = "switching traffic of " + step.getApp() + (to == null ? " to its idle colour" : " to " + to);
        if (request.verifies()) {
            lockedWork(what, step.parsedLockWait(), engine -> engine.switchTrafficVerified(request), this::verifying);
        } else {
            lockedWork(what, step.parsedLockWait(), engine -> engine.switchTraffic(request), this::switched);
        }
    }

    private SwitchRequest request(Color to) {
        return SwitchRequest.builder(step.getApp())
                .to(to)
                .service(step.getService())
                .approvedBy(step.getApprovedBy())
                .buildUrl(identity().buildUrl())
                .holder(identity().holder())
                .lockWait(Duration.ZERO)
                .scaleDownDelay(step.parsedScaleDownDelay())
                .expectRevision(step.parsedExpectRevision())
                .verifyFor(step.parsedVerifyFor())
                .build();
    }

    private void switched(SwitchResult r) throws Exception {
        liveColor = r.to().label();
        stopKeepingLock(); // the switch released the build's lock
        describe(r, console());
        afterSwitch(r);
    }

    /** Traffic moved; the window is watched by core (no thread here) and the step continues when it ends. */
    private void verifying(CutoverVerification verification) throws Exception {
        SwitchResult r = verification.switched();
        if (verification.until() == null) {
            switched(r); // the colour was live already: nothing to verify
            return;
        }
        liveColor = r.to().label();
        previousColor = r.from().label();
        previousScaleDownAt = r.scaleDownAt();
        verifyUntil = verification.until();
        stopKeepingLock(); // the verification holds the lock under its own name now
        describe(r, console());
        phase = Phase.VERIFYING;
        save();
        // an auto-revert fails the wait: the step fails with core's message naming the pods and where traffic is
        waitFor("verifying " + liveColor + " of " + step.getApp() + " until " + verifyUntil, Activity.WAITING,
                verification.result(), passed -> {
                    console().line(VerifiedSwitch.passed(passed));
                    afterSwitch(r);
                });
        // announced once the step's status says it is verifying (a reader of the console may ask for it)
        console().line(VerifiedSwitch.watching(r, verifyUntil, step.parsedVerifyFor()));
    }

    private void afterSwitch(SwitchResult r) throws Exception {
        if (r.scaleDownAt() == null) {
            cancelPendingScaleDown(); // nothing scheduled now: an older release's task has nothing left to do
            finish();
        } else if (step.isWaitForScaleDown()) {
            cancelPendingScaleDown(); // this build does it itself
            awaitScaleDown();
        } else {
            handOverScaleDown();
            finish();
        }
    }

    @Override
    String stopReport(Stopped stopped) {
        return switch (phase) {
            case SWITCHING -> stopped.activity() == Activity.WAITING_FOR_LOCK
                    ? "it was waiting for the deploy lock and wrote nothing; live traffic was not touched"
                    : "the switch was interrupted and may have been written; check the live colour (bluegreen status "
                            + "--app " + step.getApp() + ") before acting";
            case VERIFYING -> VerifiedSwitch.stopped(step.getApp(), liveColor, previousColor, previousScaleDownAt,
                    verifyUntil);
            case WAITING_FOR_SCALE_DOWN -> "traffic was switched to " + liveColor + "; the old colour keeps its "
                    + "scale-down time and is scaled down by the app's next release, or by hand";
            case DONE -> "it had finished";
        };
    }

    /** The console lines an approver reads after a switch; shared with blueGreenRelease. */
    static void describe(SwitchResult r, ConsoleListener console) {
        if (r.outcome() == SwitchResult.Outcome.ALREADY_LIVE) {
            console.line(r.to() + " was already live for " + r.app() + " (someone else switched); nothing written");
            return;
        }
        String who = r.recorded() != null && r.recorded().approvedBy() != null
                ? " (approved by " + r.recorded().approvedBy() + ")" : "";
        console.line("switched " + r.app() + " (Service " + r.service() + "): " + r.from() + " -> " + r.to() + who);
        console.line(r.scaleDownAt() != null
                ? "old colour " + r.from() + " will be scaled down at " + r.scaleDownAt() + " (scaleDownDelay); "
                        + "rollback app: '" + r.app() + "' before then is instant"
                : "old colour " + r.from() + " keeps running (scaleDownDelay: 0)");
        console.line("to roll back: rollback app: '" + r.app() + "'");
    }

    private void awaitScaleDown() {
        phase = Phase.WAITING_FOR_SCALE_DOWN;
        save();
        console().line("waiting until the old colour of " + step.getApp() + " is scaled down");
        later("waiting until the old colour of " + step.getApp() + " is scaled down",
                engine -> engine.scaleDownWhenDue(step.getApp()), this::scaledDown);
    }

    private void scaledDown(ScaleDownResult r) {
        console().line("scale-down of " + step.getApp() + ": " + r.outcome()
                + (r.deployment() != null ? " (" + r.deployment() + ")" : ""));
        finish();
    }

    private void finish() {
        phase = Phase.DONE;
        succeed(liveColor);
    }

    @Override
    void resume() {
        switch (phase) {
            case SWITCHING -> blocking("reading " + step.getApp() + " to settle the switch cut off by the restart",
                    engine -> engine.status(step.getApp(), step.getService()), this::settle);
            case VERIFYING -> blocking("releasing the deploy lock of " + step.getApp() + "'s verification",
                    engine -> engine.releaseLock(step.getApp(), CutoverVerification.holderFor(identity().holder())),
                    released -> fail(new AbortException(VerifiedSwitch.cutOffByRestart(step.getApp(), liveColor,
                            previousColor, previousScaleDownAt, verifyUntil))));
            case WAITING_FOR_SCALE_DOWN -> awaitScaleDown();
            case DONE -> deliverSuccess(liveColor); // finished before the restart: deliver, nothing to claim
        }
    }

    /** A safe restart waits for the verification window rather than cut its watch off. */
    @Override
    public boolean blocksRestart() {
        return (phase == Phase.VERIFYING && !isDone()) || super.blocksRestart();
    }

    /** After a restart mid-switch: done if our switch is live, switch if it never happened, else say what to check. */
    private void settle(AppStatus status) throws AbortException {
        Color target = step.parsedTo();
        if (target != null) {
            if (status.liveColor() == target) {
                alreadyDone(target);
            } else {
                switchNow(target);
            }
            return;
        }
        String buildUrl = identity().buildUrl();
        HistoryEntry newest = status.history().isEmpty() ? null : status.history().get(0);
        if (buildUrl == null) {
            throw new AbortException("switchTraffic: Jenkins restarted while switching " + step.getApp()
                    + " and without a build URL cannot tell whether its switch was written; " + status.liveColor()
                    + " is live now. Check the Service's history, then call switchTraffic with to: if still needed");
        }
        if (identity().wrote(newest, startedAt)) {
            alreadyDone(newest.color());
        } else {
            switchNow(status.idleColor());
        }
    }

    private void alreadyDone(Color live) {
        console().line("the switch of " + step.getApp() + " to " + live + " was written before the restart");
        liveColor = live.label();
        finish();
    }
}
