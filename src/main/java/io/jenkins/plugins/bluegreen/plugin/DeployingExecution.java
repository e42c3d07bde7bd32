package io.jenkins.plugins.bluegreen.plugin;

import hudson.AbortException;
import hudson.FilePath;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.HealthSummary;
import io.jenkins.plugins.bluegreen.core.Release;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * The phases both deploying steps start with: deploy the idle colour, then await it healthy. Each phase is saved
 * with the build so a restart continues where it stopped; what comes after "healthy" is the subclass's.
 */
abstract class DeployingExecution<S extends DeployingStep> extends ClusterStepExecution<S> {
    private static final long serialVersionUID = 1L;

    /** Every phase of a deploying step; blueGreenDeploy only goes through DEPLOYING, AWAITING and DONE. */
    enum Phase {
        DEPLOYING,
        AWAITING,
        BODY,
        SWITCHING,
        VERIFYING,
        ABANDONING,
        DONE
    }

    Phase phase = Phase.DEPLOYING;
    String newColor;
    LinkedHashMap<String, Object> result;

    DeployingExecution(S step, StepContext context) {
        super(step, context);
    }

    static String noWorkspace(String function) {
        return "manifestFile needs a workspace: call " + function + " inside node { }";
    }

    @Override
    void validate() throws Exception {
        step.checkSource();
        step.parsedTimeout();
        step.parsedLockWait();
        if (step.getManifestFile() != null && getContext().get(FilePath.class) == null) {
            throw new AbortException(noWorkspace(step.functionName()));
        }
    }

    @Override
    void begin() {
        deploy();
    }

    final void deploy() {
        phase = Phase.DEPLOYING;
        save();
        if (step.isDryRun()) {
            planOnly(
                    "deploying into the idle colour of " + step.getApp(),
                    engine -> {
                        Release planned = engine.deploy(request(Duration.ZERO));
                        boolean waits = !(step instanceof BlueGreenDeployStep d) || d.isWait();
                        if (waits) {
                            engine.awaitHealthy(planned, step.parsedTimeout());
                        }
                        java.util.LinkedHashMap<String, Object> described = Results.release(planned, false, false);
                        described.put("dryRun", Boolean.TRUE); // a pipeline can tell the plan from a deployed release
                        return described;
                    },
                    planned -> planned);
            return;
        }
        // attempts that do not wait for the lock themselves: a held lock is waited for without a thread
        lockedWork(
                "deploying " + (step.getImage() != null ? step.getImage() : "a manifest") + " into the idle colour of "
                        + step.getApp(),
                step.parsedLockWait(),
                engine -> engine.deploy(request(Duration.ZERO)),
                this::deployed);
    }

    /** Runs on the step pool: reading manifestFile may reach an agent. */
    private DeployRequest request(Duration lockWait) throws IOException, InterruptedException {
        return DeployRequest.builder(step.getApp())
                .service(step.getService())
                .previewService(step.getPreviewService())
                .image(step.getImage())
                .container(step.getContainer())
                .manifest(step.getManifestFile() != null ? readManifestFile() : step.getManifest())
                .replicas(step.getReplicas())
                .revision(step.getRevision())
                .buildUrl(identity().buildUrl())
                .holder(identity().holder())
                .lockWait(lockWait)
                .timeout(step.parsedTimeout())
                .replaceRollbackTarget(step.isReplaceRollbackTarget())
                .build();
    }

    private String readManifestFile() throws IOException, InterruptedException {
        FilePath workspace = getContext().get(FilePath.class);
        if (workspace == null) {
            throw new AbortException(noWorkspace(step.functionName()));
        }
        FilePath file = workspace.child(step.getManifestFile());
        if (!file.exists()) {
            throw new AbortException(step.functionName() + ": manifestFile: '" + step.getManifestFile()
                    + "' does not exist in the workspace " + workspace.getRemote() + " — pass a path relative to the "
                    + "workspace, e.g. 'k8s/deployment.yaml' (nothing was changed)");
        }
        return file.readToString();
    }

    private void deployed(Release r) throws Exception {
        newColor = r.newColor().label();
        result = Results.release(r, false, false);
        // the deploy rewrote the colour an older release had scheduled for scale-down: that task has nothing left
        cancelPendingScaleDown();
        console()
                .line("live colour of " + r.app() + ": " + (r.liveColor() == null ? "none" : r.liveColor())
                        + " (Service " + r.service() + ", namespace " + r.namespace() + ")");
        console()
                .line("deployed " + r.deployment() + ": " + String.join(", ", r.images()) + ", " + r.replicas()
                        + " replica(s), revision " + r.revision());
        afterDeploy(r);
    }

    /** The new colour is written; by default, await it. */
    void afterDeploy(Release r) throws Exception {
        await();
    }

    final void await() {
        phase = Phase.AWAITING;
        save();
        later(
                "waiting for " + newColor + " of " + step.getApp() + " to become healthy",
                engine -> engine.awaitHealthyAsync(step.getApp(), Color.parse(newColor), step.parsedTimeout()),
                this::healthy);
    }

    private void healthy(HealthSummary h) throws Exception {
        result.put("healthy", Boolean.TRUE);
        Results.tested(result, h);
        console().line(h.deployment() + " is healthy: " + h.replicas() + "/" + h.replicas() + " ready");
        if (h.tested() != null) {
            console()
                    .line(h.deployment() + " tested revision: " + h.tested().text()
                            + " (pod-template-hash@image digest; switchTraffic expectRevision holds the switch to it)");
        }
        afterHealthy();
    }

    /** The new colour is healthy and not live. */
    abstract void afterHealthy() throws Exception;

    final void finish() {
        phase = Phase.DONE;
        succeed(result);
    }

    /** What a stop during a deploying phase left; deploying never changes which colour the Service selects. */
    String deployStopReport(Stopped stopped) {
        String abandon = "rollback app: '" + step.getApp() + "', abandonOnly: true abandons it (and changes nothing "
                + "otherwise)";
        if (phase == Phase.DEPLOYING && stopped.activity() == Activity.WAITING_FOR_LOCK) {
            return "it was waiting for the deploy lock and wrote nothing; live traffic was not touched";
        }
        if (phase == Phase.DEPLOYING) {
            return "the deploy was interrupted and may have taken the deploy lock and written the idle colour; live "
                    + "traffic was not touched; " + abandon;
        }
        return (newColor == null ? "the new colour" : newColor) + " stays deployed but not live; to abandon it: "
                + "rollback app: '" + step.getApp() + "', abandonOnly: true (live traffic was not touched)";
    }

    /** Continues DEPLOYING (deploying again: same holder, the lock is re-entrant), AWAITING and DONE. */
    @Override
    void resume() {
        switch (phase) {
            case DEPLOYING -> deploy();
            case AWAITING -> await();
            case DONE -> deliverSuccess(result); // finished before the restart: deliver, nothing to claim
            default -> resumeLater();
        }
    }

    /** The phases after AWAITING, for the subclass that has them. */
    void resumeLater() {
        throw new IllegalStateException(step.functionName() + " has no phase " + phase);
    }
}
