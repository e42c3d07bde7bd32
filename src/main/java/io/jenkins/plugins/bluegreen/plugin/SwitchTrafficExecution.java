package io.jenkins.plugins.bluegreen.plugin;

import hudson.AbortException;
import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.CutoverVerification;
import io.jenkins.plugins.bluegreen.core.HistoryEntry;
import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
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

    enum Phase {
        SWITCHING,
        VERIFYING,
        WAITING_FOR_SCALE_DOWN,
        DONE
    }

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
            planOnly(
                    "switching traffic of " + step.getApp(),
                    engine -> engine.switchTraffic(request(to)),
                    r -> r.to().label());
            return;
        }
        String what = "switching traffic of " + step.getApp() + (to == null ? " to its idle colour" : " to " + to);
        VerifiedSwitch.start(this, what, step.parsedLockWait(), request(to), this::switched, this::verifying);
    }

    private SwitchRequest request(Color to) {
        return VerifiedSwitch.request(this)
                .to(to)
                .approvedBy(step.getApprovedBy())
                .expectRevision(step.parsedExpectRevision())
                .build();
    }

    private void switched(SwitchResult r) throws Exception {
        liveColor = r.to().label();
        stopKeepingLock(); // the switch released the build's lock
        VerifiedSwitch.describe(r, console());
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
        VerifiedSwitch.describe(r, console());
        phase = Phase.VERIFYING;
        save();
        VerifiedSwitch.watch(this, verification, step.parsedVerifyFor(), passed -> afterSwitch(r));
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
            case SWITCHING ->
                stopped.activity() == Activity.WAITING_FOR_LOCK
                        ? "it was waiting for the deploy lock and wrote nothing; live traffic was not touched"
                        : "the switch was interrupted and may have been written; check the live colour (bluegreen status "
                                + "--app " + step.getApp() + ") before acting";
            case VERIFYING ->
                VerifiedSwitch.stopped(step.getApp(), liveColor, previousColor, previousScaleDownAt, verifyUntil);
            case WAITING_FOR_SCALE_DOWN ->
                "traffic was switched to " + liveColor + "; the old colour keeps its "
                        + "scale-down time and is scaled down by the app's next release, or by hand";
            case DONE -> "it had finished";
        };
    }

    private void awaitScaleDown() {
        phase = Phase.WAITING_FOR_SCALE_DOWN;
        save();
        console().line("waiting until the old colour of " + step.getApp() + " is scaled down");
        later(
                "waiting until the old colour of " + step.getApp() + " is scaled down",
                engine -> engine.scaleDownWhenDue(step.getApp()),
                this::scaledDown);
    }

    private void scaledDown(ScaleDownResult r) {
        console()
                .line("scale-down of " + step.getApp() + ": " + r.outcome()
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
            case SWITCHING ->
                blocking(
                        "reading " + step.getApp() + " to settle the switch cut off by the restart",
                        engine -> engine.status(step.getApp(), step.getService()),
                        this::settle);
            case VERIFYING ->
                VerifiedSwitch.resumeCutOff(this, liveColor, previousColor, previousScaleDownAt, verifyUntil);
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
        HistoryEntry newest =
                status.history().isEmpty() ? null : status.history().get(0);
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
