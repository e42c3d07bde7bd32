package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.Release;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * blueGreenDeploy: deploy → await healthy, then return; live traffic is never touched. A new colour that fails or is
 * stopped stays deployed but idle (the pipeline's {@code post} owns the cleanup), and the console says how to
 * abandon it. On success the deploy lock stays held, renewed while the build runs ({@link LockKeeper}), so a long
 * approval before the pipeline's switchTraffic does not lose it. This step has finished by the time the build waits
 * at its approval, so after a controller restart the runtime resumes the renewal from what it kept ({@link KeptLocks}).
 */
final class BlueGreenDeployExecution extends DeployingExecution<BlueGreenDeployStep> {
    private static final long serialVersionUID = 1L;

    BlueGreenDeployExecution(BlueGreenDeployStep step, StepContext context) {
        super(step, context);
    }

    @Override
    void afterDeploy(Release r) {
        if (step.isWait()) {
            await();
            return;
        }
        console()
                .line("not waiting (wait: false); next: awaitHealthy app: '" + r.app() + "', color: '" + newColor
                        + "'");
        keepLockAlive(false);
        finish();
    }

    @Override
    void afterHealthy() {
        console()
                .line("live traffic is unchanged; next: switchTraffic app: '" + step.getApp() + "' (or rollback app: '"
                        + step.getApp() + "', abandonOnly: true to abandon " + newColor + ")");
        keepLockAlive(false);
        finish();
    }

    /** A deploy that failed once written (unhealthy, timed out) leaves the new colour for the pipeline to clean up. */
    @Override
    void failed(Throwable t) {
        if (newColor != null && !isDone()) {
            console()
                    .line(newColor + " stays deployed but not live; to abandon it: rollback app: '" + step.getApp()
                            + "', abandonOnly: true");
        }
        fail(t);
    }

    @Override
    String stopReport(Stopped stopped) {
        return deployStopReport(stopped);
    }
}
