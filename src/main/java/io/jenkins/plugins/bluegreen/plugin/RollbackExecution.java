package io.jenkins.plugins.bluegreen.plugin;

import hudson.AbortException;
import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.HistoryEntry;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import io.jenkins.plugins.bluegreen.core.OwnAbandonResult;
import io.jenkins.plugins.bluegreen.core.RollbackRequest;
import io.jenkins.plugins.bluegreen.core.RollbackResult;
import java.time.Duration;
import java.time.Instant;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Runs core's rollback on the step pool (it may scale the previous colour up and wait for it). It reads nothing of
 * its own first — the rollback is the emergency path. After a restart, the Service's history tells a switch back
 * this build wrote; running the rollback twice would flip traffic again, so a resumed rollback that cannot tell
 * stops and says what to check.
 */
final class RollbackExecution extends ClusterStepExecution<RollbackStep> {
    private static final long serialVersionUID = 1L;

    enum Phase {
        ROLLING_BACK,
        DONE
    }

    private Phase phase = Phase.ROLLING_BACK;
    /** When the rollback was sent: a history entry of this build from then on is its switch back. */
    private Instant startedAt;

    private String liveAfter;

    RollbackExecution(RollbackStep step, StepContext context) {
        super(step, context);
    }

    @Override
    void validate() {
        step.parsedTimeout();
        step.parsedLockWait();
        if (step.isAbandonOnly() && step.isTakeOverLock()) {
            throw new InvalidInputException(
                    "takeOverLock",
                    "cannot be combined with abandonOnly: abandonOnly only "
                            + "abandons this build's own release, under this build's own lock",
                    "remove takeOverLock");
        }
    }

    @Override
    void begin() {
        startedAt = Instant.now();
        phase = Phase.ROLLING_BACK;
        save();
        if (step.isDryRun()) {
            planOnly(
                    "rolling back " + step.getApp(),
                    engine -> step.isAbandonOnly()
                            ? engine.abandonIfDeployedBy(
                                            step.getApp(), identity().holder(), step.getService())
                                    .liveColor()
                            : engine.rollback(request()).liveColor(),
                    Results::label);
            return;
        }
        if (step.isAbandonOnly()) {
            abandonOwn();
            return;
        }
        lockedWork(
                "rolling back " + step.getApp(),
                step.parsedLockWait(),
                engine -> engine.rollback(request()),
                this::rolledBack);
    }

    private RollbackRequest request() {
        return RollbackRequest.builder(step.getApp())
                .service(step.getService())
                .holder(identity().holder())
                .takeOverLock(step.isTakeOverLock())
                .approvedBy(step.getApprovedBy())
                .buildUrl(identity().buildUrl())
                .lockWait(Duration.ZERO)
                .timeout(step.parsedTimeout())
                .build();
    }

    /** Reads first, then abandons only this build's release; running it again after a restart is harmless. */
    private void abandonOwn() {
        blocking(
                "abandoning this build's release of " + step.getApp(),
                engine -> engine.abandonIfDeployedBy(step.getApp(), identity().holder(), step.getService()),
                this::abandonedOwn);
    }

    private void abandonedOwn(OwnAbandonResult r) throws Exception {
        if (r.abandonedSomething()) {
            // core said what it abandoned as it happened; once is enough
            stopKeepingLock(); // the abandon released the build's lock
            cancelPendingScaleDown(); // the abandoned colour is at zero, its schedule dropped
        } else {
            console().line("nothing of this build to abandon for " + r.app() + "; live traffic untouched");
        }
        finish(Results.label(r.liveColor()));
    }

    private void rolledBack(RollbackResult r) throws Exception {
        stopKeepingLock(); // the rollback released the build's lock
        // an abandon was said by core as it happened ("abandoned <deployment> (scaled from n to 0) ..."): once is
        // enough
        if (r.action() != RollbackResult.Action.ABANDONED) {
            if (r.message() != null && !r.message().isBlank()) {
                console().line(r.message());
            }
            console()
                    .line(
                            r.action() == RollbackResult.Action.SWITCHED_BACK
                                    ? "rolled back " + r.app() + ": " + r.other() + " -> " + r.liveColor()
                                    : "rolled back " + r.app() + ": scaled " + r.liveColor() + " up again and switched "
                                            + r.other() + " -> " + r.liveColor());
        }
        if (r.action() == RollbackResult.Action.ABANDONED) {
            cancelPendingScaleDown(); // the abandoned colour is at zero, its schedule dropped
        } else {
            handOverScaleDown(); // the colour rolled away from is scheduled like after any switch
        }
        finish(Results.label(r.liveColor()));
    }

    @Override
    String stopReport(Stopped stopped) {
        if (phase == Phase.DONE) {
            return "it had finished";
        }
        return stopped.activity() == Activity.WAITING_FOR_LOCK
                ? "it was waiting for the deploy lock and wrote nothing; live traffic was not touched"
                : "the rollback was interrupted: traffic may have been switched back, the previous colour scaled up or "
                        + "the new colour abandoned; check the app (bluegreen status --app " + step.getApp()
                        + ") before acting";
    }

    private void finish(String live) {
        liveAfter = live;
        phase = Phase.DONE;
        succeed(live);
    }

    @Override
    void resume() {
        switch (phase) {
            case ROLLING_BACK -> {
                if (step.isAbandonOnly()) {
                    abandonOwn();
                } else {
                    blocking(
                            "reading " + step.getApp() + " to settle the rollback cut off by the restart",
                            engine -> engine.status(step.getApp(), step.getService()),
                            this::settle);
                }
            }
            case DONE -> deliverSuccess(liveAfter); // finished before the restart: deliver, nothing to claim
        }
    }

    private void settle(AppStatus now) throws AbortException {
        HistoryEntry newest = now.history().isEmpty() ? null : now.history().get(0);
        if (identity().wrote(newest, startedAt) && HistoryEntry.ROLLBACK.equals(newest.action())) {
            String live = newest.color().label();
            console().line("the rollback of " + step.getApp() + " to " + live + " was written before the restart");
            finish(live);
            return;
        }
        String live = Results.label(now.liveColor());
        throw new AbortException("rollback: Jenkins restarted while rolling back " + step.getApp() + "; " + live
                + " is live and "
                + (identity().buildUrl() == null
                        ? "without a build URL the Service's history cannot tell whether this build switched back"
                        : "the Service's history has no switch back by this build, so either the new colour was "
                                + "abandoned or nothing happened yet")
                + ". Check the app (bluegreen status --app " + step.getApp() + ") and call rollback again if it is "
                + "still needed");
    }
}
