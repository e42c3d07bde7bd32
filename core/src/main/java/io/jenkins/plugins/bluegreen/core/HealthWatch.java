package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits for one colour's rollout without polling and without holding a thread: two informers (the Deployment by
 * name, its pods by selector) re-evaluate {@link RolloutHealth} on every change; fabric8's informers re-list and
 * re-watch by themselves when a watch drops, so a dropped watch only delays the verdict. The timeout is a timer,
 * not a sleeping thread. Completing the future in any way (verdict, timeout, cancel) stops both informers.
 */
final class HealthWatch {
    private final EngineContext context;
    private final String app;
    private final Color color;
    private final String deploymentName;
    private final Duration timeout;
    private final CompletableFuture<HealthSummary> result = new CompletableFuture<>();
    private final Instant started;
    private SharedIndexInformer<Deployment> deployments;
    private SharedIndexInformer<Pod> pods;
    private HealthProgress lastProgress;
    private List<PodProblem> lastNotReady = List.of();

    private HealthWatch(EngineContext context, String app, Color color, String deploymentName, Duration timeout) {
        this.context = context;
        this.app = app;
        this.color = color;
        this.deploymentName = deploymentName;
        this.timeout = timeout;
        this.started = context.clock().instant();
    }

    /**
     * Starts watching {@code deployment} (already read, so its pod selector is known) and returns the verdict to come.
     */
    static CompletableFuture<HealthSummary> start(EngineContext context, String app, Color color, Deployment deployment,
                                                  Duration timeout) {
        HealthWatch watch = new HealthWatch(context, app, color, deployment.getMetadata().getName(), timeout);
        watch.begin(deployment.getSpec().getSelector());
        return watch.result;
    }

    private void begin(LabelSelector selector) {
        String namespace = context.namespace();
        ResourceEventHandler<Object> reevaluate = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Object obj) {
                evaluate();
            }

            @Override
            public void onUpdate(Object oldObj, Object newObj) {
                evaluate();
            }

            @Override
            public void onDelete(Object obj, boolean deletedFinalStateUnknown) {
                evaluate();
            }
        };
        try {
            deployments = context.client().apps().deployments().inNamespace(namespace).withName(deploymentName)
                    .runnableInformer(0);
            Map<String, String> matchLabels = selector == null || selector.getMatchLabels() == null ? Map.of()
                    : selector.getMatchLabels();
            // equality labels only: set-based expressions are filtered by the verdict's release marker instead
            pods = context.client().pods().inNamespace(namespace).withLabels(matchLabels).runnableInformer(0);
            deployments.addEventHandler(reevaluate);
            pods.addEventHandler(reevaluate);
        } catch (RuntimeException e) {
            result.completeExceptionally(ApiFailures.translate(e, "watching Deployment " + deploymentName));
            return;
        }
        result.whenComplete((summary, failure) -> stopInformers());
        CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS, context.executor())
                .execute(this::timeUp);
        startInformer(deployments, "Deployment " + deploymentName);
        startInformer(pods, "pods of Deployment " + deploymentName);
    }

    private void startInformer(SharedIndexInformer<?> informer, String what) {
        informer.start().whenComplete((ignored, failure) -> {
            if (failure != null) {
                result.completeExceptionally(ApiFailures.translate(failure, "watching " + what));
            } else {
                evaluate();
            }
        });
        informer.stopped().whenComplete((ignored, failure) -> {
            if (failure != null) {
                result.completeExceptionally(ApiFailures.translate(failure, "watching " + what));
            }
        });
    }

    private synchronized void evaluate() {
        if (result.isDone() || deployments == null || pods == null || !deployments.hasSynced() || !pods.hasSynced()) {
            return;
        }
        Deployment deployment = deployments.getStore().getByKey(context.namespace() + "/" + deploymentName);
        if (deployment == null) {
            result.completeExceptionally(new UnhealthyException(deploymentName, "Deleted",
                    "the Deployment was deleted while waiting for it", List.of()));
            return;
        }
        HealthVerdict verdict = RolloutHealth.evaluate(deployment, color, pods.getStore().list());
        if (!verdict.progress().equals(lastProgress)) {
            lastProgress = verdict.progress();
            context.listener().progress(lastProgress);
        }
        if (verdict instanceof HealthVerdict.Healthy) {
            DeploymentView view = new DeploymentView(deployment);
            result.complete(new HealthSummary(app, color, deploymentName, view.desiredReplicas(), view.images(),
                    view.annotation(StateKeys.REVISION), Duration.between(started, context.clock().instant())));
        } else if (verdict instanceof HealthVerdict.Failed failed) {
            result.completeExceptionally(new UnhealthyException(deploymentName, failed.reason(), failed.detail(),
                    failed.pods()));
        } else if (verdict instanceof HealthVerdict.Progressing progressing) {
            lastNotReady = progressing.notReady();
        }
    }

    private synchronized void timeUp() {
        evaluate(); // a verdict that raced the timer wins
        result.completeExceptionally(new HealthTimeoutException(deploymentName, timeout, lastProgress, lastNotReady));
    }

    private void stopInformers() {
        if (deployments != null) {
            deployments.stop();
        }
        if (pods != null) {
            pods.stop();
        }
    }
}
