package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.CutoverVerification;
import io.jenkins.plugins.bluegreen.core.Revision;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * blueGreenRelease: deploy → await healthy → body → switch. Live traffic is only ever changed by the switch after a
 * successful body. Everything else that ends the release before the switch — the new colour unhealthy or timing
 * out, the body failing or aborted, the build stopped — abandons the new colour (scaled to zero, lock released, live
 * untouched) and fails with the original cause: the step owns the release, so nobody else is left to clean up.
 */
final class BlueGreenReleaseExecution extends DeployingExecution<BlueGreenReleaseStep> {
    private static final long serialVersionUID = 1L;

    private BodyExecution body;
    /** Set by the body's callback, read by the switch on a pool thread (or after a restart). */
    private volatile String approver;
    /** Why the new colour is being abandoned; delivered as the step's failure once it is. */
    private Throwable abandonCause;
    /** While verifying: the colour traffic left, its scale-down time, the window's end (for stop and resume). */
    private String previousColor;

    private Instant previousScaleDownAt;
    private Instant verifyUntil;

    BlueGreenReleaseExecution(BlueGreenReleaseStep step, StepContext context) {
        super(step, context);
    }

    @Override
    void validate() throws Exception {
        super.validate();
        step.parsedScaleDownDelay();
        step.parsedVerifyFor();
    }

    @Override
    void afterHealthy() {
        // one monitor with stop(): a stop arriving while the body starts must find it and cancel it, or find the
        // step already stopped (then it abandoned the new colour, and no body may start)
        synchronized (this) {
            if (isDone()) {
                return;
            }
            console().line(newColor + " is ready and not live yet; when the block completes, traffic switches to it");
            keepLockAlive(false); // the block may wait at an approval for longer than the lease lasts
            body = getContext()
                    .newBodyInvoker()
                    .withCallback(new BodyDone(this))
                    .start();
            // saved only now: a state saved before the body launched would resume to wait for a body that never ran
            // (saved AWAITING, a restart awaits again and starts the body). The body's callback waits for this monitor.
            phase = Phase.BODY;
            save();
        }
    }

    /** Before the body (unhealthy, timed out): abandon what was written; a failed switch leaves it to the user. */
    @Override
    void failed(Throwable t) {
        if (newColor == null || phase != Phase.AWAITING) {
            fail(t);
            return;
        }
        if (claim()) {
            Throwable failure = StepFailures.toStepFailure(step.functionName(), t, secrets());
            console().line(newColor + " did not become healthy: abandoning it; live traffic stays as it was");
            abandonThenFail(failure, CompletableFuture.completedFuture(null));
        }
    }

    void bodySucceeded(Object bodyResult) {
        synchronized (this) { // after afterHealthy() has recorded the body
            if (isDone()) {
                return;
            }
            approver = step.getApprovedBy() != null
                    ? step.getApprovedBy()
                    : bodyResult instanceof String s && !s.isBlank() ? s.trim() : null;
        }
        switchTraffic();
    }

    private void switchTraffic() {
        phase = Phase.SWITCHING;
        save();
        SwitchRequest request = VerifiedSwitch.request(this)
                .to(Color.parse(newColor))
                .approvedBy(approver)
                // what the body approved is what was found healthy: a colour changed meanwhile is refused
                .expectRevision(testedRevision())
                .build();
        VerifiedSwitch.start(
                this,
                "switching traffic of " + step.getApp() + " to " + newColor,
                step.parsedLockWait(),
                request,
                this::switched,
                this::verifying);
    }

    private Revision testedRevision() {
        Object tested = result == null ? null : result.get("testedRevision");
        return tested instanceof String text ? Revision.parse("testedRevision", text) : null;
    }

    private void switched(SwitchResult r) throws Exception {
        stopKeepingLock();
        VerifiedSwitch.describe(r, console());
        afterSwitch(r);
    }

    /** As switchTraffic's: the window is core's to watch; an auto-revert fails the step with its reasons. */
    private void verifying(CutoverVerification verification) throws Exception {
        SwitchResult r = verification.switched();
        if (verification.until() == null) {
            switched(r);
            return;
        }
        previousColor = r.from().label();
        previousScaleDownAt = r.scaleDownAt();
        verifyUntil = verification.until();
        stopKeepingLock();
        VerifiedSwitch.describe(r, console());
        result.put("switched", Boolean.TRUE);
        phase = Phase.VERIFYING;
        save();
        VerifiedSwitch.watch(this, verification, step.parsedVerifyFor(), passed -> {
            result.put("verified", Boolean.TRUE);
            afterSwitch(r);
        });
    }

    private void afterSwitch(SwitchResult r) throws Exception {
        if (r.scaleDownAt() != null) {
            handOverScaleDown();
        }
        result.put("switched", Boolean.TRUE);
        finish();
    }

    void bodyFailed(Throwable t) {
        synchronized (this) { // after afterHealthy() has recorded the body
            if (isDone()) {
                return;
            }
        }
        if (claim()) {
            console()
                    .line("the block did not complete (" + describe(t) + "): abandoning " + newColor
                            + "; live traffic stays as it was");
            abandonThenFail(t, CompletableFuture.completedFuture(null));
        }
    }

    /**
     * For a claimed step: once {@code interrupted} work has unwound, abandon the new colour (best effort; core says
     * what it scaled, once), then fail with {@code cause} unchanged.
     */
    private void abandonThenFail(Throwable cause, CompletableFuture<Void> interrupted) {
        phase = Phase.ABANDONING;
        abandonCause = cause;
        save();
        interrupted.whenComplete((ignored, failure) -> executor().execute(() -> {
            try {
                engine().abandon(step.getApp(), identity().holder());
            } catch (Throwable e) {
                console()
                        .line("warning: could not abandon " + newColor + ": "
                                + StepFailures.toStepFailure(step.functionName(), e, secrets())
                                        .getMessage()
                                + "; run rollback app: '" + step.getApp() + "' to abandon it");
            }
            stopKeepingLock();
            deliverFailure(cause);
        }));
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        BodyExecution running;
        synchronized (this) {
            running = phase == Phase.BODY ? body : null;
        }
        if (running != null) {
            // the body's callback abandons the new colour and fails with the body's outcome
            running.cancel(cause);
            return;
        }
        if (phase == Phase.ABANDONING || !claim()) {
            return;
        }
        Stopped stopped = cancelWork(); // while verifying: cancels core's verification, which stops its watch
        if (phase == Phase.VERIFYING) {
            // the new colour is live: nothing to abandon (that would be the colour kept to go back to)
            console().line(stopReport(stopped));
            deliverFailure(cause);
            return;
        }
        boolean switchMayBeWritten = phase == Phase.SWITCHING && stopped.activity() != Activity.WAITING_FOR_LOCK;
        if (newColor != null && !switchMayBeWritten) {
            console().line("stopped before the switch: abandoning " + newColor + "; live traffic stays as it was");
            abandonThenFail(cause, stopped.ended());
            return;
        }
        console().line(stopReport(stopped));
        deliverFailure(cause);
    }

    @Override
    public String getStatus() {
        synchronized (this) {
            if (phase == Phase.BODY && !isDone()) {
                return "running the block; traffic switches to " + newColor + " of " + step.getApp()
                        + " when it completes (no thread held)";
            }
        }
        return super.getStatus();
    }

    @Override
    String stopReport(Stopped stopped) {
        if (phase == Phase.VERIFYING) {
            return VerifiedSwitch.stopped(step.getApp(), newColor, previousColor, previousScaleDownAt, verifyUntil);
        }
        if (phase == Phase.SWITCHING) {
            return "stopped while switching " + step.getApp() + " to " + newColor + ": the switch may have been "
                    + "written; check the live colour (bluegreen status --app " + step.getApp() + ") before acting";
        }
        return "stopped while deploying " + step.getApp() + ": " + deployStopReport(stopped);
    }

    /** A safe restart waits for the verification window rather than cut its watch off. */
    @Override
    public boolean blocksRestart() {
        return (phase == Phase.VERIFYING && !isDone()) || super.blocksRestart();
    }

    @Override
    void resumeLater() {
        switch (phase) {
            // the body resumes by itself and calls back; the lock keeper did not survive the restart
            case BODY -> onPool("running the block", () -> keepLockAlive(true));
            case SWITCHING ->
                blocking(
                        "reading " + step.getApp() + " to settle the switch cut off by the restart",
                        engine -> engine.status(step.getApp(), step.getService()),
                        this::settle);
            case ABANDONING -> abandonThenFail(abandonCause, CompletableFuture.completedFuture(null));
            case VERIFYING ->
                VerifiedSwitch.resumeCutOff(this, newColor, previousColor, previousScaleDownAt, verifyUntil);
            default -> super.resumeLater();
        }
    }

    /** Resumed mid-switch: the target is explicit (newColor), so switching again is safe unless it is live. */
    private void settle(AppStatus status) {
        if (newColor.equals(Results.label(status.liveColor()))) {
            console().line("the switch of " + step.getApp() + " to " + newColor + " was written before the restart");
            result.put("switched", Boolean.TRUE);
            finish();
        } else {
            switchTraffic();
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null || m.isBlank() ? "" : ": " + m);
    }

    /** The body's outcome, back to the execution; serialized with the body. */
    static final class BodyDone extends BodyExecutionCallback {
        private static final long serialVersionUID = 1L;
        private final BlueGreenReleaseExecution execution;

        BodyDone(BlueGreenReleaseExecution execution) {
            this.execution = execution;
        }

        @Override
        public void onSuccess(StepContext context, Object result) {
            execution.bodySucceeded(result);
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            execution.bodyFailed(t);
        }
    }
}
