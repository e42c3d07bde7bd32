package io.jenkins.plugins.bluegreen.plugin;

import hudson.AbortException;
import hudson.FilePath;
import io.jenkins.plugins.bluegreen.core.AbandonResult;
import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.HealthSummary;
import io.jenkins.plugins.bluegreen.core.Release;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import java.io.IOException;
import java.util.LinkedHashMap;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Deploy → await healthy → (block form) body → switch, as explicit phases saved with the build so a restart
 * continues where it stopped. Live traffic is only ever changed by the switch after a successful body; a failed or
 * aborted body, or a stop before the switch, abandons the new colour (block form) or leaves it deployed but idle.
 */
final class BlueGreenDeployExecution extends ClusterStepExecution<BlueGreenDeployStep> {
    private static final long serialVersionUID = 1L;
    static final String NO_WORKSPACE = "manifestFile needs a workspace: call blueGreenDeploy inside node { }";

    enum Phase { DEPLOYING, AWAITING, BODY, SWITCHING, ABANDONING, DONE }

    private Phase phase = Phase.DEPLOYING;
    private boolean block;
    private String newColor;
    private LinkedHashMap<String, Object> result;
    private BodyExecution body;
    private String approver;
    /** Why the new colour is being abandoned; delivered as the step's failure once it is. */
    private Throwable abandonCause;

    BlueGreenDeployExecution(BlueGreenDeployStep step, StepContext context) {
        super(step, context);
    }

    @Override
    void validate() throws Exception {
        step.checkSource();
        step.parsedTimeout();
        step.parsedLockWait();
        step.parsedScaleDownDelay();
        if (step.getManifestFile() != null && getContext().get(FilePath.class) == null) {
            throw new AbortException(NO_WORKSPACE);
        }
    }

    @Override
    void begin() {
        block = getContext().hasBody();
        deploy();
    }

    private void deploy() {
        phase = Phase.DEPLOYING;
        save();
        // on the step pool, not core's: a deploy may wait for the lock, and core's pool must stay free for reads
        blocking(engine -> engine.deploy(request()), this::deployed);
    }

    /** Runs on the step pool: reading manifestFile may reach an agent. */
    private DeployRequest request() throws IOException, InterruptedException {
        DeployRequest.Builder request = DeployRequest.builder(step.getApp())
                .service(step.getService())
                .previewService(step.getPreviewService())
                .image(step.getImage())
                .container(step.getContainer())
                .manifest(step.getManifestFile() != null ? readManifestFile() : step.getManifest())
                .replicas(step.getReplicas())
                .revision(step.getRevision())
                .buildUrl(identity().buildUrl())
                .holder(identity().holder())
                .lockWait(step.parsedLockWait())
                .timeout(step.parsedTimeout());
        return request.build();
    }

    private String readManifestFile() throws IOException, InterruptedException {
        FilePath workspace = getContext().get(FilePath.class);
        if (workspace == null) {
            throw new AbortException(NO_WORKSPACE);
        }
        FilePath file = workspace.child(step.getManifestFile());
        if (!file.exists()) {
            throw new AbortException("blueGreenDeploy: manifestFile: '" + step.getManifestFile() + "' does not exist "
                    + "in the workspace " + workspace.getRemote() + " — pass a path relative to the workspace, e.g. "
                    + "'k8s/deployment.yaml' (nothing was changed)");
        }
        return file.readToString();
    }

    private void deployed(Release r) {
        newColor = r.newColor().label();
        result = Results.release(r, false, false);
        console().line("live colour of " + r.app() + ": " + (r.liveColor() == null ? "none" : r.liveColor())
                + " (Service " + r.service() + ", namespace " + r.namespace() + ")");
        console().line("deployed " + r.deployment() + ": " + String.join(", ", r.images()) + ", " + r.replicas()
                + " replica(s), revision " + r.revision());
        if (!step.isWait() && !block) {
            console().line("not waiting (wait: false); next: awaitHealthy app: '" + r.app() + "', color: '"
                    + newColor + "'");
            finish();
            return;
        }
        await();
    }

    private void await() {
        phase = Phase.AWAITING;
        save();
        later(engine -> engine.awaitHealthyAsync(step.getApp(), Color.parse(newColor), step.parsedTimeout()),
                this::healthy);
    }

    private void healthy(HealthSummary h) {
        result.put("healthy", Boolean.TRUE);
        console().line(h.deployment() + " is healthy: " + h.replicas() + "/" + h.replicas() + " ready");
        if (block) {
            runBody();
        } else {
            console().line("live traffic is unchanged; next: switchTraffic app: '" + step.getApp()
                    + "' (or rollback app: '" + step.getApp() + "' to abandon " + newColor + ")");
            finish();
        }
    }

    private void runBody() {
        phase = Phase.BODY;
        save();
        console().line(newColor + " is ready and not live yet; when the block completes, traffic switches to it");
        body = getContext().newBodyInvoker().withCallback(new BodyDone(this)).start();
    }

    void bodySucceeded(Object bodyResult) {
        if (isDone()) {
            return;
        }
        approver = step.getApprovedBy() != null ? step.getApprovedBy()
                : bodyResult instanceof String s && !s.isBlank() ? s.trim() : null;
        switchTraffic();
    }

    private void switchTraffic() {
        phase = Phase.SWITCHING;
        save();
        blocking(engine -> engine.switchTraffic(SwitchRequest.builder(step.getApp())
                .to(Color.parse(newColor))
                .service(step.getService())
                .approvedBy(approver)
                .buildUrl(identity().buildUrl())
                .holder(identity().holder())
                .lockWait(step.parsedLockWait())
                .scaleDownDelay(step.parsedScaleDownDelay())
                .build()), this::switched);
    }

    private void switched(SwitchResult r) {
        SwitchTrafficExecution.describe(r, console());
        result.put("switched", Boolean.TRUE);
        finish();
    }

    void bodyFailed(Throwable t) {
        if (claim()) {
            console().line("the block did not complete (" + describe(t) + "): abandoning " + newColor
                    + "; live traffic stays as it was");
            abandonThenFail(t);
        }
    }

    /** For a claimed step: abandon the new colour (best effort), then fail with {@code cause} unchanged. */
    private void abandonThenFail(Throwable cause) {
        phase = Phase.ABANDONING;
        abandonCause = cause;
        save();
        executor().execute(() -> {
            try {
                AbandonResult a = engine().abandon(step.getApp(), identity().holder());
                console().line("abandoned " + a.deployment() + " (scaled to 0); " + a.liveColor() + " stays live");
            } catch (Throwable e) {
                console().line("warning: could not abandon " + newColor + ": "
                        + StepFailures.toStepFailure("blueGreenDeploy", e, secrets()).getMessage()
                        + "; run rollback app: '" + step.getApp() + "' to abandon it");
            }
            deliverFailure(cause);
        });
    }

    private void finish() {
        phase = Phase.DONE;
        succeed(result);
    }

    @Override
    public void stop(Throwable cause) throws Exception {
        if (phase == Phase.BODY && body != null) {
            // the body's callback abandons the new colour and fails with the body's outcome
            body.cancel(cause);
            return;
        }
        if (phase == Phase.ABANDONING || !claim()) {
            return;
        }
        cancelCurrent();
        if (block && newColor != null && phase != Phase.SWITCHING) {
            console().line("stopped before the switch: abandoning " + newColor + "; live traffic stays as it was");
            abandonThenFail(cause);
            return;
        }
        switch (phase) {
            case SWITCHING -> console().line("stopped while switching " + step.getApp() + " to " + newColor
                    + ": the switch may have been written; check the live colour before acting");
            case DEPLOYING -> console().line("stopped while deploying " + step.getApp() + "; live traffic was not "
                    + "touched; if the new colour was written, rollback app: '" + step.getApp() + "' abandons it");
            default -> console().line("stopped; " + (newColor == null ? "the new colour" : newColor)
                    + " stays deployed but not live; to abandon it: rollback app: '" + step.getApp() + "'");
        }
        deliverFailure(cause);
    }

    @Override
    void resume() {
        switch (phase) {
            case DEPLOYING -> deploy();
            case AWAITING -> await();
            case BODY -> { } // the body resumes by itself and calls back
            case SWITCHING -> blocking(engine -> engine.status(step.getApp(), step.getService()), this::settle);
            case ABANDONING -> abandonThenFail(abandonCause);
            case DONE -> succeed(result);
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
        private final BlueGreenDeployExecution execution;

        BodyDone(BlueGreenDeployExecution execution) {
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
