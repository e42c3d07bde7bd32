package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.HealthSummary;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * Waits for a colour with core's watch-based {@code awaitHealthyAsync}. One phase: after a restart the wait
 * simply starts again (the cluster, not the execution, knows how far the rollout got).
 */
final class AwaitHealthyExecution extends ClusterStepExecution<AwaitHealthyStep> {
    private static final long serialVersionUID = 1L;

    AwaitHealthyExecution(AwaitHealthyStep step, StepContext context) {
        super(step, context);
    }

    @Override
    void validate() {
        step.parsedColor();
        step.parsedTimeout();
    }

    @Override
    void begin() {
        later(
                "waiting for " + (step.parsedColor() == null ? "the idle colour" : step.parsedColor()) + " of "
                        + step.getApp() + " to become healthy",
                engine -> engine.awaitHealthyAsync(step.getApp(), step.parsedColor(), step.parsedTimeout()),
                this::healthy);
    }

    @Override
    void resume() {
        begin();
    }

    @Override
    String stopReport(Stopped stopped) {
        return "waiting writes nothing; live traffic was not touched";
    }

    private void healthy(HealthSummary h) {
        console()
                .line(h.deployment() + " is healthy: " + h.replicas() + "/" + h.replicas() + " ready ("
                        + String.join(", ", h.images()) + ")"
                        + (h.tested() == null ? "" : ", revision " + h.tested().text()));
        succeed(Results.health(h));
    }
}
