package io.jenkins.plugins.bluegreen.plugin;

import hudson.AbortException;
import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.RollbackRequest;
import io.jenkins.plugins.bluegreen.core.RollbackResult;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Runs core's rollback on the step pool (it may scale the previous colour up and wait for it). Before starting it
 * reads which colour is live, so that after a restart it can tell a finished rollback from one that never began;
 * running it twice would flip traffic again, so a resumed rollback that cannot tell stops and says what to check.
 */
final class RollbackExecution extends ClusterStepExecution<RollbackStep> {
    private static final long serialVersionUID = 1L;

    enum Phase { READING, ROLLING_BACK, DONE }

    private Phase phase = Phase.READING;
    /** The live colour before the rollback (null = none yet). */
    private String liveBefore;
    private String liveAfter;

    RollbackExecution(RollbackStep step, StepContext context) {
        super(step, context);
    }

    @Override
    void validate() {
        step.parsedTimeout();
        step.parsedLockWait();
    }

    @Override
    void begin() {
        phase = Phase.READING;
        blocking(engine -> engine.status(step.getApp(), step.getService()), this::rollBack);
    }

    private void rollBack(AppStatus before) {
        liveBefore = Results.label(before.liveColor());
        phase = Phase.ROLLING_BACK;
        save();
        blocking(engine -> engine.rollback(RollbackRequest.builder(step.getApp())
                .service(step.getService())
                .holder(identity().holder())
                .takeOverLock(step.isTakeOverLock())
                .approvedBy(step.getApprovedBy())
                .buildUrl(identity().buildUrl())
                .lockWait(step.parsedLockWait())
                .timeout(step.parsedTimeout())
                .build()), this::rolledBack);
    }

    private void rolledBack(RollbackResult r) throws Exception {
        stopKeepingLock(); // the rollback released the build's lock
        if (r.message() != null && !r.message().isBlank()) {
            console().line(r.message());
        }
        console().line(switch (r.action()) {
            case ABANDONED -> "abandoned " + r.other() + " of " + r.app() + "; " + r.liveColor()
                    + " stays live, untouched";
            case SWITCHED_BACK -> "rolled back " + r.app() + ": " + r.other() + " -> " + r.liveColor();
            case SCALED_UP_AND_SWITCHED_BACK -> "rolled back " + r.app() + ": scaled " + r.liveColor()
                    + " up again and switched " + r.other() + " -> " + r.liveColor();
        });
        if (r.action() == RollbackResult.Action.ABANDONED) {
            cancelPendingScaleDown(); // the abandoned colour is at zero, its schedule dropped
        } else {
            handOverScaleDown(); // the colour rolled away from is scheduled like after any switch
        }
        finish(Results.label(r.liveColor()));
    }

    private void finish(String live) {
        liveAfter = live;
        phase = Phase.DONE;
        succeed(live);
    }

    @Override
    void resume() {
        switch (phase) {
            case READING -> begin();
            case ROLLING_BACK -> blocking(engine -> engine.status(step.getApp(), step.getService()), this::settle);
            case DONE -> succeed(liveAfter);
        }
    }

    private void settle(AppStatus now) throws AbortException {
        String live = Results.label(now.liveColor());
        if (live != null && !live.equals(liveBefore)) {
            console().line("the rollback of " + step.getApp() + " to " + live + " was written before the restart");
            finish(live);
            return;
        }
        throw new AbortException("rollback: Jenkins restarted while rolling back " + step.getApp() + "; " + live
                + " is still live, so either the new colour was abandoned or nothing happened yet. Check the app "
                + "(bluegreen status --app " + step.getApp() + ") and call rollback again if it is still needed");
    }
}
