package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Waits for one colour's rollout without polling and without holding a thread or a watch of its own: it subscribes
 * to the namespace's shared Deployment and pod informers ({@link SharedWatches}) and re-evaluates
 * {@link RolloutHealth} whenever its Deployment or one of its pods changes. The informers re-list and re-watch by
 * themselves when a watch drops, so a dropped watch only delays the verdict. The timeout is a timer that is cancelled
 * with the wait, not a sleeping thread. Completing the future in any way (verdict, timeout, cancel) unsubscribes;
 * the last subscriber of a namespace stops its informers.
 */
final class HealthWatch {
    private final EngineContext context;
    private final String app;
    private final Color color;
    private final String deploymentName;
    private final Duration timeout;
    /** How long a wait may hear nothing before it checks that the API server is still there. */
    private static final Duration PROBE_INTERVAL = Duration.ofSeconds(10);
    /** System.nanoTime() of the last event (or the start); read by the probe. */
    private volatile long lastHeard = System.nanoTime();

    private final CompletableFuture<HealthSummary> result = new CompletableFuture<>();
    private final Instant started;
    private WatchSubscription<Deployment> deployment;
    private WatchSubscription<Pod> pods;
    private final long readGeneration;
    /** The release marker of the pod template this wait is for, or null for whatever the Deployment runs. */
    private final String expectedRelease;

    private boolean seenInCache;
    // set once in begin(), before any subscription can call isOurs() on an informer thread
    private volatile Map<String, String> podSelector = Map.of();
    private HealthProgress lastProgress;
    private List<PodProblem> lastNotReady = List.of();
    /** Set by the timer: a healthy verdict no longer waits for the pod cache to show what was tested. */
    private boolean timingOut;

    private HealthWatch(
            EngineContext context, String app, Color color, Deployment read, Duration timeout, String expectedRelease) {
        this.context = context;
        this.expectedRelease = expectedRelease;
        this.readGeneration = generation(read);
        this.app = app;
        this.color = color;
        this.deploymentName = read.getMetadata().getName();
        this.timeout = timeout;
        this.started = context.clock().instant();
    }

    /**
     * Starts watching {@code deployment} (already read, so its pod selector is known) and returns the verdict to come.
     */
    static CompletableFuture<HealthSummary> start(
            EngineContext context, String app, Color color, Deployment deployment, Duration timeout) {
        return start(context, app, color, deployment, timeout, null);
    }

    /**
     * As {@link #start(EngineContext, String, Color, Deployment, Duration)}, bound to one deploy: the verdict is only
     * given for the pod template carrying {@code expectedRelease} ({@link StateKeys#RELEASE}); a Deployment
     * redeployed by someone else meanwhile fails the wait instead of lending its health to this deploy.
     */
    static CompletableFuture<HealthSummary> start(
            EngineContext context,
            String app,
            Color color,
            Deployment deployment,
            Duration timeout,
            String expectedRelease) {
        DeploymentView planned = new DeploymentView(deployment);
        if (context.planThen(plannedWait(planned.name(), planned.desiredReplicas(), timeout))) {
            // a dry run: the rollout it would wait for never starts
            context.plan().healthy(deployment);
            return CompletableFuture.completedFuture(new HealthSummary(
                    app,
                    color,
                    planned.name(),
                    planned.desiredReplicas(),
                    planned.images(),
                    Labels.annotation(deployment, StateKeys.REVISION),
                    Duration.ZERO));
        }
        HealthWatch watch = new HealthWatch(context, app, color, deployment, timeout, expectedRelease);
        if (expectedRelease != null && !expectedRelease.equals(releaseOf(deployment))) {
            watch.result.completeExceptionally(watch.replaced(deployment));
            return watch.result;
        }
        watch.begin(deployment.getSpec().getSelector());
        return watch.result;
    }

    /** The step a dry run records instead of waiting. */
    static String plannedWait(String deployment, int replicas, Duration timeout) {
        return "wait until Deployment " + deployment + " is healthy: " + replicas + " replicas updated, ready and "
                + "available (timeout " + DurationText.format(timeout) + ")";
    }

    static String releaseOf(Deployment deployment) {
        if (deployment.getSpec() == null
                || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getMetadata() == null
                || deployment.getSpec().getTemplate().getMetadata().getAnnotations() == null) {
            return null;
        }
        return deployment.getSpec().getTemplate().getMetadata().getAnnotations().get(StateKeys.RELEASE);
    }

    private ConflictException replaced(Deployment now) {
        return new ConflictException(deploymentName
                + " was redeployed by someone else while waiting for it (it now runs "
                + String.join(",", new DeploymentView(now).images()) + "), so its health says nothing about this "
                + "deploy; this deploy is not healthy and must not be switched to — run status to see whose release "
                + "it holds");
    }

    private void begin(LabelSelector selector) {
        // equality labels only: set-based expressions are filtered by the verdict's release marker instead
        podSelector = selector == null || selector.getMatchLabels() == null
                ? Map.of()
                : Map.copyOf(selector.getMatchLabels());
        String namespace = context.namespace();
        WatchSubscription<Deployment> deploymentEvents;
        WatchSubscription<Pod> podEvents;
        try {
            synchronized (this) { // evaluate() may run on an informer thread as soon as a subscription exists
                deploymentEvents = deployment = context.watches()
                        .deployments(
                                namespace,
                                d -> deploymentName.equals(d.getMetadata().getName()),
                                this::evaluate);
                podEvents = pods = context.watches()
                        .pods(namespace, context.settings().colorLabelKey(), this::isOurs, this::evaluate);
            }
        } catch (RuntimeException e) {
            stopWatching();
            result.completeExceptionally(ApiFailures.translate(e, "watching Deployment " + deploymentName));
            return;
        }
        result.whenComplete((summary, failure) -> stopWatching());
        CompletableFuture<Void> timer =
                new CompletableFuture<Void>().completeOnTimeout(null, timeout.toMillis(), TimeUnit.MILLISECONDS);
        result.whenComplete((summary, failure) -> timer.cancel(false)); // a finished wait is not kept by its timer
        timer.thenRunAsync(this::timeUp, context.executor());
        scheduleProbe();
        follow(deploymentEvents, "Deployment " + deploymentName);
        follow(podEvents, "pods of Deployment " + deploymentName);
    }

    private boolean isOurs(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(podSelector.entrySet());
    }

    private void follow(WatchSubscription<?> subscription, String what) {
        subscription.started().whenComplete((ignored, failure) -> {
            if (failure != null) {
                result.completeExceptionally(ApiFailures.translate(Futures.unwrap(failure), "watching " + what));
            } else {
                evaluate();
            }
        });
        subscription.stopped().whenComplete((ignored, failure) -> {
            if (failure != null) {
                result.completeExceptionally(ApiFailures.translate(Futures.unwrap(failure), "watching " + what));
            }
        });
    }

    private synchronized void evaluate() {
        lastHeard = System.nanoTime();
        if (result.isDone() || deployment == null || pods == null || !deployment.hasSynced() || !pods.hasSynced()) {
            return;
        }
        Deployment current = deployment.get(deploymentName);
        if (current == null && !seenInCache) {
            return; // a running shared informer has not seen the Deployment we just read yet: wait for its event
        }
        seenInCache = true;
        if (current == null) {
            result.completeExceptionally(new UnhealthyException(
                    deploymentName, "Deleted", "the Deployment was deleted while waiting for it", List.of()));
            return;
        }
        if (generation(current) < readGeneration) {
            // a shared informer that was already running may not have seen the write we read yet; judging the
            // previous spec (fully rolled out) would call an unstarted release healthy
            return;
        }
        if (expectedRelease != null && !expectedRelease.equals(releaseOf(current))) {
            result.completeExceptionally(replaced(current));
            return;
        }
        DeploymentView view = new DeploymentView(current);
        Integer asked = view.releaseReplicas();
        if (expectedRelease != null && asked != null && view.desiredReplicas() < asked) {
            // scaled down by hand during the wait: ready at that size would not be the release that was asked for
            result.completeExceptionally(new UnhealthyException(
                    deploymentName,
                    "ScaledBelowRelease",
                    "scaled to "
                            + view.desiredReplicas() + " of the " + asked
                            + " replicas this deploy asked for, by someone else "
                            + "while waiting — scale it back (kubectl -n " + context.namespace() + " scale deployment "
                            + deploymentName + " --replicas=" + asked + ") and run bluegreen await --app " + app
                            + " --color "
                            + color,
                    List.of()));
            return;
        }
        HealthVerdict verdict = RolloutHealth.evaluate(current, color, ourPods());
        if (!verdict.progress().equals(lastProgress)) {
            lastProgress = verdict.progress();
            context.listener().progress(lastProgress);
        }
        if (verdict instanceof HealthVerdict.Healthy) {
            // what was tested is what the pods in the cache run: no read of our own. The Deployment's status can
            // arrive before its pods' Ready events; their events re-evaluate, and only a wait that times out meanwhile
            // answers without a revision rather than fail a healthy colour
            List<Pod> readyPods = RolloutHealth.currentPods(current, ourPods())
                    .filter(RolloutHealth::isReady)
                    .toList();
            if (!timingOut && !podSelector.isEmpty() && readyPods.size() < view.desiredReplicas()) {
                return;
            }
            Revision tested = Revision.ofReadyPods(readyPods).orElse(null);
            result.complete(new HealthSummary(
                    app,
                    color,
                    deploymentName,
                    view.desiredReplicas(),
                    view.images(),
                    view.annotation(StateKeys.REVISION),
                    Duration.between(started, context.clock().instant()),
                    tested));
        } else if (verdict instanceof HealthVerdict.Failed failed) {
            result.completeExceptionally(
                    new UnhealthyException(deploymentName, failed.reason(), failed.detail(), failed.pods()));
        } else if (verdict instanceof HealthVerdict.Progressing progressing) {
            lastNotReady = progressing.notReady();
        }
    }

    /** The pods the selector picks, found through the label index instead of a scan of the namespace. */
    private List<Pod> ourPods() {
        if (podSelector.isEmpty()) {
            return List.of();
        }
        Map.Entry<String, String> any = podSelector.entrySet().iterator().next();
        return pods.withLabel(any.getKey(), any.getValue()).stream()
                .filter(this::isOurs)
                .toList();
    }

    private static long generation(Deployment deployment) {
        Long generation = deployment.getMetadata().getGeneration();
        return generation == null ? 0 : generation;
    }

    /**
     * fabric8's informers re-open a broken watch by themselves, for ever and silently: on a cluster that went away the
     * wait would sit out its whole timeout and then blame the pods. So a wait that has heard nothing for a while
     * reads its Deployment once, through the engine's retries: an answer means all is quiet (nothing is done with
     * it); no answer within the retry budget fails the wait as "cluster unreachable". A rollout in progress sends
     * events and costs no such read.
     */
    private void scheduleProbe() {
        if (result.isDone()) {
            return;
        }
        CompletableFuture.runAsync(
                this::probe,
                CompletableFuture.delayedExecutor(
                        PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS, context.executor()));
    }

    private void probe() {
        if (result.isDone()) {
            return;
        }
        if (System.nanoTime() - lastHeard >= PROBE_INTERVAL.toNanos()) {
            try {
                context.cluster().deployment(deploymentName);
            } catch (ClusterUnreachableException gone) {
                result.completeExceptionally(new ClusterUnreachableException(
                        "stopped waiting for " + deploymentName + ": " + gone.getMessage(), gone));
                return;
            } catch (RuntimeException answered) {
                // the API server answered (403, 500, ...): the informers' own failure handling decides
            }
        }
        scheduleProbe();
    }

    private synchronized void timeUp() {
        timingOut = true;
        evaluate(); // a verdict that raced the timer wins
        result.completeExceptionally(new HealthTimeoutException(deploymentName, timeout, lastProgress, lastNotReady));
    }

    private synchronized void stopWatching() {
        if (deployment != null) {
            deployment.close();
        }
        if (pods != null) {
            pods.close();
        }
    }
}
