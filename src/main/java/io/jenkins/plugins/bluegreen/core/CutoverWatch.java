package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The verification window after a switch: watches the new live colour's pods (the namespace's shared pod informer) and
 * the Service's EndpointSlices (an informer of its own, for the window only) and judges every change
 * ({@link CutoverHealth}, and the endpoints against the colour's desired count as {@link ServiceEndpoints} judges
 * them after a write). The first failure switches traffic back to the previous colour through the same guarded write
 * and follow-ups as any switch ({@link SwitchTraffic#switchAndFollow}), recorded as {@code auto-revert} with the
 * reasons; the end of the window marks the switch's history entry verified. Either way the deploy lock the
 * verification holds is released. No thread is held while watching: events arrive on the informers' threads and the
 * requests run on the engine's executor.
 */
final class CutoverWatch implements ResourceEventHandler<EndpointSlice> {
    private final EngineContext context;
    private final DeployLock lock;
    private final SwitchRequest request;
    private final SwitchResult switched;
    private final AppState state;
    private final HeldLock held;
    private final Instant until;
    private final int desired;
    private final Map<String, String> podSelector;
    private final CutoverHealth health = new CutoverHealth();
    private final CompletableFuture<VerificationResult> result = new CompletableFuture<>();
    private WatchSubscription<Pod> pods;
    private SharedIndexInformer<EndpointSlice> slices;
    /** Set once: by the first failure, the window's end, or a stop; later events are ignored. */
    private boolean decided;

    private CutoverWatch(
            EngineContext context,
            DeployLock lock,
            SwitchRequest request,
            SwitchResult switched,
            AppState state,
            HeldLock held) {
        this.context = context;
        this.lock = lock;
        this.request = request;
        this.switched = switched;
        this.state = state;
        this.held = held;
        Instant from = switched.recorded() != null && switched.recorded().switchedAt() != null
                ? switched.recorded().switchedAt()
                : context.clock().instant();
        // counted from the Service write, which comes before the old colour's scale-down is scheduled: so that
        // schedule (at least the window from its own later moment) is never before the window's end
        this.until = from.plus(request.verifyFor());
        Deployment live = state.deployment(switched.to()).orElse(null);
        DeploymentView view = live == null ? null : new DeploymentView(live);
        this.desired = view == null ? 1 : view.desiredReplicas();
        this.podSelector = live == null
                        || live.getSpec().getSelector() == null
                        || live.getSpec().getSelector().getMatchLabels() == null
                ? Map.of(context.settings().colorLabelKey(), switched.to().label())
                : Map.copyOf(live.getSpec().getSelector().getMatchLabels());
    }

    /** Starts watching the colour {@code switched} made live; {@code held} is the lock it keeps (null: none). */
    static CutoverWatch start(
            EngineContext context,
            DeployLock lock,
            SwitchRequest request,
            SwitchResult switched,
            AppState state,
            HeldLock held) {
        CutoverWatch watch = new CutoverWatch(context, lock, request, switched, state, held);
        // cancelling the result is a stop, as cancelling a health wait unsubscribes it
        watch.result.whenComplete((ignored, failure) -> {
            if (watch.result.isCancelled()) {
                watch.stop("cancelled");
            }
        });
        watch.begin();
        return watch;
    }

    /** Completes as {@link CutoverVerification#result()} says. */
    CompletableFuture<VerificationResult> result() {
        return result;
    }

    Instant until() {
        return until;
    }

    private void begin() {
        context.listener()
                .info("verifying " + switched.to() + " until " + until + " (" + DurationText.format(request.verifyFor())
                        + "): any crash, restart, lost readiness or fewer than " + desired
                        + " ready endpoints switches traffic back to " + switched.from());
        try {
            WatchSubscription<Pod> podEvents;
            SharedIndexInformer<EndpointSlice> sliceEvents;
            synchronized (this) { // evaluate() may run on an informer thread as soon as a subscription exists
                podEvents = pods = context.watches()
                        .pods(context.namespace(), context.settings().colorLabelKey(), this::isOurs, this::evaluate);
                sliceEvents = slices = context.client()
                        .discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace(context.namespace())
                        .withLabel(Labels.SERVICE_NAME, switched.service())
                        .runnableInformer(0);
                sliceEvents.addEventHandler(this);
            }
            follow(podEvents.started(), podEvents.stopped(), "the pods of " + switched.to());
            follow(sliceEvents.start(), sliceEvents.stopped(), "the EndpointSlices of Service " + switched.service());
        } catch (RuntimeException e) {
            cannotWatch(e, "the pods of " + switched.to());
            return;
        }
        // rounded up, with a millisecond to spare: a pass recorded even a microsecond before the window's end would
        // claim a verification that did not last its whole window
        long millis =
                Math.max(0, Duration.between(context.clock().instant(), until).toNanos() / 1_000_000 + 1);
        CompletableFuture.runAsync(
                this::windowEnded,
                CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, context.executor()));
        scheduleRenewal();
    }

    private void follow(CompletionStage<Void> started, CompletionStage<Void> stopped, String what) {
        started.whenComplete((ignored, failure) -> {
            if (failure != null) {
                cannotWatch(Futures.unwrap(failure), what);
            } else {
                evaluate();
            }
        });
        stopped.whenComplete((ignored, failure) -> {
            if (failure != null) {
                cannotWatch(Futures.unwrap(failure), what);
            }
        });
    }

    private boolean isOurs(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(podSelector.entrySet());
    }

    @Override
    public void onAdd(EndpointSlice slice) {
        evaluate();
    }

    @Override
    public void onUpdate(EndpointSlice before, EndpointSlice after) {
        evaluate();
    }

    @Override
    public void onDelete(EndpointSlice slice, boolean finalStateUnknown) {
        evaluate();
    }

    /** Judges the colour's pods and the Service's endpoints as the informers hold them now; cheap, no request. */
    private synchronized void evaluate() {
        if (decided || pods == null || slices == null || !pods.hasSynced() || !slices.hasSynced()) {
            return;
        }
        Map.Entry<String, String> any = podSelector.entrySet().iterator().next();
        List<Pod> ours = pods.withLabel(any.getKey(), any.getValue()).stream()
                .filter(this::isOurs)
                .toList();
        List<PodProblem> problems = health.problems(ours);
        Map<String, EndpointSlice> byName = new TreeMap<>();
        slices.getStore().list().forEach(s -> byName.put(s.getMetadata().getName(), s));
        ServingStatus serving = new ServiceEndpoints(context).evaluate(state, byName, switched.to(), desired);
        String endpoints = serving.problem();
        if (problems.isEmpty() && endpoints == null) {
            return;
        }
        decided = true;
        slices.stop(); // the pods stay watched until the revert has named them (below)
        List<PodProblem> unready = serving.endpoints().stream()
                .filter(e -> !e.ready() && e.color() == switched.to())
                .map(e -> new PodProblem(
                        e.pod(), null, "NotReady", "not ready in Service " + switched.service() + "'s endpoints"))
                .toList();
        context.executor().execute(() -> revert(problems, unready, endpoints));
    }

    /**
     * The pods' reasons as the pod informer knows them now, else as the endpoints showed them: the two watches are
     * separate connections, so the endpoints may tell of a crash before the pod's own status arrives.
     */
    private synchronized List<PodProblem> namedProblems(List<PodProblem> seen, List<PodProblem> unready) {
        List<PodProblem> now = seen;
        if (pods != null && pods.hasSynced()) {
            Map.Entry<String, String> any = podSelector.entrySet().iterator().next();
            List<PodProblem> fresh = health.problems(pods.withLabel(any.getKey(), any.getValue()).stream()
                    .filter(this::isOurs)
                    .toList());
            if (fresh.size() >= seen.size()) {
                now = fresh;
            }
        }
        if (!now.isEmpty()) {
            return now;
        }
        return unready;
    }

    private void revert(List<PodProblem> seen, List<PodProblem> unready, String endpoints) {
        Color failed = switched.to();
        Color back = switched.from();
        List<PodProblem> problems = namedProblems(seen, unready);
        stopWatching();
        String reasons = reasons(problems, endpoints);
        try {
            context.listener()
                    .warn(failed + " fails its verification: " + reasons + "; switching traffic back to " + back);
            // the Service and the colour to go back to only: the failed colour needs no read (its scale-down is
            // scheduled by a patch), so traffic moves after the fewest round trips
            AppState now = AppState.readServiceAndTarget(context, switched.app(), switched.service(), back)
                    .requireAdopted();
            if (now.liveColor() != failed) {
                throw new ConflictException(failed + " failed its verification (" + reasons + "), but Service "
                        + switched.service() + " was switched to " + now.liveColor() + " by someone else meanwhile; "
                        + "nothing was reverted — run status");
            }
            Duration delay = request.scaleDownDelay() != null
                    ? request.scaleDownDelay()
                    : context.settings().scaleDownDelay();
            SwitchResult reverted = new SwitchTraffic(context, lock)
                    .switchAndFollow(
                            now, back, HistoryEntry.AUTO_REVERT, null, request.buildUrl(), reasons, delay, null);
            String message = failed + " failed its verification " + DurationText.format(elapsed()) + " after the "
                    + "switch: " + reasons + "; traffic is back on " + back
                    + (reverted.outcome() == SwitchResult.Outcome.SWITCHED
                            ? " (switched back and confirmed on Service " + switched.service() + "'s endpoints; "
                                    + "recorded as auto-revert)"
                            : " (someone else switched it back meanwhile)");
            releaseLock();
            result.completeExceptionally(new AutoRevertedException(message, failed, back, problems, endpoints));
        } catch (RuntimeException e) {
            releaseLock();
            result.completeExceptionally(
                    e instanceof ConflictException
                            ? e
                            : new BlueGreenException(
                                    failed
                                            + " failed its verification (" + reasons
                                            + ") and switching traffic back to " + back + " failed: "
                                            + e.getMessage() + " — traffic may still be on " + failed
                                            + ": run `bluegreen status --app "
                                            + switched.app() + "` and roll back (bluegreen rollback --app "
                                            + switched.app() + ")",
                                    e));
        }
    }

    private void windowEnded() {
        synchronized (this) {
            evaluate(); // a failure seen at the last moment wins over the timer
            if (decided) {
                return;
            }
            decided = true;
            stopWatching();
        }
        try {
            Instant at = context.clock().instant();
            boolean marked = switched.recorded() != null
                    && new ServiceSelectorWrite(context).markVerified(switched.service(), switched.recorded(), at);
            releaseLock();
            if (!marked) {
                result.completeExceptionally(new ConflictException(switched.to() + " held up for its window, but "
                        + "Service " + switched.service() + "'s history moved on meanwhile (someone switched or rolled "
                        + "back), so it was not recorded as verified — run status"));
                return;
            }
            context.listener()
                    .info(switched.to() + " passed its verification (" + DurationText.format(request.verifyFor())
                            + "): recorded as verified in Service " + switched.service() + "'s history");
            result.complete(new VerificationResult(
                    switched.app(),
                    switched.service(),
                    switched.to(),
                    switched.from(),
                    request.verifyFor(),
                    VerificationResult.Outcome.VERIFIED,
                    switched.recorded().verified(at)));
        } catch (RuntimeException e) {
            releaseLock();
            result.completeExceptionally(new BlueGreenException(
                    switched.to() + " held up for its window, but " + "recording it as verified failed ("
                            + e.getMessage() + "); traffic stays on " + switched.to(),
                    e));
        }
    }

    CompletableFuture<Boolean> stop(String why) {
        synchronized (this) {
            if (decided) {
                return CompletableFuture.completedFuture(false);
            }
            decided = true;
            stopWatching();
        }
        result.completeExceptionally(new VerificationStoppedException("verification of " + switched.to() + " stopped ("
                + why + ") after " + DurationText.format(elapsed()) + " of " + DurationText.format(request.verifyFor())
                + ": traffic stays on " + switched.to() + ", not verified, nothing reverted; " + keptUntil()
                + " — to go back: bluegreen rollback --app " + switched.app() + " (rollback in a pipeline)"));
        return CompletableFuture.supplyAsync(
                () -> {
                    releaseLock();
                    return true;
                },
                context.executor());
    }

    private String keptUntil() {
        String old = context.settings().deploymentName(switched.app(), switched.from());
        return switched.scaleDownAt() == null
                ? old + " keeps running"
                : old + " keeps running until " + switched.scaleDownAt()
                        + " (its scale-down is not due before the window's end, " + until + ")";
    }

    private void cannotWatch(Throwable failure, String what) {
        synchronized (this) {
            if (decided) {
                return;
            }
            decided = true;
            stopWatching();
        }
        BlueGreenException cause = ApiFailures.translate(failure, "watching " + what);
        context.executor().execute(this::releaseLock);
        result.completeExceptionally(new BlueGreenException(
                "cannot verify " + switched.to() + ": " + cause.getMessage() + "; traffic stays on " + switched.to()
                        + ", not verified, nothing reverted; " + keptUntil(),
                cause));
    }

    private Duration elapsed() {
        Instant from = switched.recorded() != null && switched.recorded().switchedAt() != null
                ? switched.recorded().switchedAt()
                : until.minus(request.verifyFor());
        Duration d = Duration.between(from, context.clock().instant());
        return d.isNegative() ? Duration.ZERO : d.truncatedTo(ChronoUnit.MILLIS);
    }

    /** A window longer than the lease keeps the lock alive, as a held lock's keeper does; one patch each time. */
    private void scheduleRenewal() {
        if (held == null) {
            return;
        }
        long every = Math.max(1000, context.settings().leaseDuration().toMillis() / 3);
        if (Duration.between(context.clock().instant(), until).toMillis() < every) {
            return;
        }
        CompletableFuture.runAsync(
                () -> {
                    synchronized (this) {
                        if (decided) {
                            return;
                        }
                    }
                    try {
                        lock.renew(held.app(), held.holder());
                    } catch (BlueGreenException e) {
                        context.listener()
                                .warn("renewing the deploy lock of " + held.app() + " during the verification failed ("
                                        + e.getMessage() + ")");
                    }
                    scheduleRenewal();
                },
                CompletableFuture.delayedExecutor(every, TimeUnit.MILLISECONDS, context.executor()));
    }

    private void releaseLock() {
        if (held != null) {
            held.releaseAfterChange(true);
        }
    }

    synchronized boolean watching() {
        return (slices != null && slices.isRunning()) || (pods != null && !decided);
    }

    private synchronized void stopWatching() {
        if (pods != null) {
            pods.close();
        }
        if (slices != null) {
            slices.stop();
        }
    }

    static String reasons(List<PodProblem> problems, String endpoints) {
        String pods = problems.stream()
                .limit(5)
                .map(p -> "pod " + p.pod() + " " + p.reason()
                        + (p.message() == null || p.message().isBlank() ? "" : " (" + p.message() + ")"))
                .collect(Collectors.joining("; "));
        if (problems.size() > 5) {
            pods += "; and " + (problems.size() - 5) + " more pods";
        }
        return pods.isEmpty() ? endpoints : endpoints == null ? pods : pods + "; " + endpoints;
    }
}
