package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/**
 * The release engine for one namespace: deploy the idle colour, await it healthy, switch traffic, roll back,
 * report status, lock. All state lives in the cluster (Service selector and annotations, Deployment annotations,
 * a Lease), so any process — a restarted Jenkins, the CLI, kubectl — can pick up where another left off.
 *
 * <p>Thread-safe; one instance per (client, namespace). Failures are {@link BlueGreenException}s; progress goes to
 * the {@link ReleaseListener}. Blocking methods block the calling thread; the {@code *Async} ones never do and
 * run their blocking parts on the builder's executor.
 */
public final class BlueGreen {
    private final KubernetesClient client;
    private final String namespace;
    private final ReleaseListener listener;
    private final BlueGreenSettings settings;
    private final Executor executor;
    private final Clock clock;
    private final EngineContext context;
    private final DeployLock lock;

    private BlueGreen(Builder builder) {
        this.client = builder.client;
        this.namespace = builder.namespace;
        this.listener = builder.listener;
        this.settings = builder.settings;
        this.executor = builder.executor;
        this.clock = builder.clock;
        SharedWatches watches = builder.watches != null ? builder.watches : new SharedWatches(client);
        this.context = new EngineContext(
                client, namespace, settings, listener, executor, clock, watches, new ApiRetry(client));
        this.lock = new DeployLock(context);
    }

    private BlueGreen(BlueGreen base, EngineContext context) {
        this.client = base.client;
        this.namespace = base.namespace;
        this.listener = base.listener;
        this.settings = base.settings;
        this.executor = base.executor;
        this.clock = base.clock;
        this.context = context;
        this.lock = new DeployLock(context);
    }

    /**
     * This engine in dry-run mode, with an empty {@link #plan()}: it reads the real state and decides as always, and
     * sends every write with {@code dryRun=All}, so the API server validates, authorizes and checks its guard (the
     * same refusals reach the caller) but stores nothing; it records each write instead. It never waits for what only
     * a real write could bring (a rollout, the Service's endpoints, a scale-down's due time, a lock another holder
     * keeps — that is refused at once, as a real run without a lock wait): it records the step that would follow.
     */
    public BlueGreen dryRun() {
        return new BlueGreen(this, context.dryRunning());
    }

    public boolean isDryRun() {
        return context.dryRun();
    }

    /**
     * What this dry-run engine would have written so far, in order, and what would follow.
     *
     * @throws IllegalStateException on an engine that writes for real
     */
    public Plan plan() {
        if (context.plan() == null) {
            throw new IllegalStateException("plan() is for an engine made by dryRun()");
        }
        return context.plan().plan();
    }

    /** Starts a builder; the namespace defaults to the client's. */
    public static Builder builder(KubernetesClient client) {
        return new Builder(client);
    }

    /**
     * The check every operation makes of an app name before it reads anything, for a caller that wants to refuse bad
     * input before it connects (the CLI answers exit 2 without reading a kubeconfig or building a client).
     *
     * @throws InvalidInputException naming {@code app}
     */
    public static void checkApp(String app, BlueGreenSettings settings) {
        InputValidation.app(app, settings);
    }

    /**
     * The namespace check of {@link Builder#build()}, for the same callers.
     *
     * @throws InvalidInputException naming {@code namespace}
     */
    public static void checkNamespace(String namespace) {
        InputValidation.namespace(namespace);
    }

    public String namespace() {
        return namespace;
    }

    public BlueGreenSettings settings() {
        return settings;
    }

    /**
     * Takes the lock for {@code request.holder()}, adopts the app first if its Service has no colour key yet, then
     * creates or updates the idle colour's Deployment. Does not wait for it to become ready (see
     * {@link #awaitHealthy}); an optional preview Service is pointed at the new colour by the await once ready.
     * The lock stays held until {@link #switchTraffic}, {@link #rollback}, {@link #abandon} or
     * {@link #releaseLock} by the same holder, or until it expires ({@link #renewLock} keeps it while the holder
     * waits, e.g. at an approval).
     *
     * @throws InvalidInputException before any write, naming the field
     * @throws LockHeldException     when another holder keeps the lock beyond {@code lockWait}
     */
    public Release deploy(DeployRequest request) {
        return new DeployIdleColor(context, lock).deploy(app(request.app()), request);
    }

    /** {@link #deploy} on the executor. */
    public CompletableFuture<Release> deployAsync(DeployRequest request) {
        return CompletableFuture.supplyAsync(() -> deploy(request), executor);
    }

    /**
     * Brings an app whose Service has no colour key under blue-green: copies the pod template of the Deployment
     * the Service selects into the blue colour, waits until it is ready, and only then writes the Service selector
     * (stable selector + colour) with the state annotations. The old Deployment keeps running and is reported.
     * {@link #deploy} does this by itself when needed. Takes and keeps the lock like deploy.
     *
     * @param service null = {@code app}
     */
    public AdoptionResult adopt(String name, String service, String holder, Duration timeout) {
        App app = app(name);
        InputValidation.holder(holder);
        InputValidation.timeout(timeout);
        AppState state = AppState.read(context, app, service).requireUsableSelector();
        if (state.liveColor() != null) {
            throw new InvalidInputException(
                    "app",
                    app + " is already under blue-green (Service " + state.serviceName() + " selects "
                            + state.liveColor() + ")",
                    "nothing to adopt; deploy a new version instead");
        }
        Adoption adoption = new Adoption(context);
        Adoption.Plan plan = adoption.plan(state);
        lock.take(LockAsk.of(app, holder, LockAsk.Tenure.LONG, Duration.ZERO));
        return adoption.run(plan, holder, timeout);
    }

    /**
     * Watches (never polls) the colour's Deployment and pods until its rollout is complete; sends progress to the
     * listener. The future fails with {@link UnhealthyException} as soon as a pod or the Deployment reports a
     * reason that waiting will not cure, or {@link HealthTimeoutException} after {@code timeout}. Cancelling the
     * future stops the watches. When the Deployment was deployed with a preview Service and the colour is idle,
     * the preview Service is pointed at it before the future completes.
     *
     * @param color null = the idle colour
     * @throws InvalidInputException synchronously for a non-positive timeout or a malformed app name; the future
     *                               fails with it for a missing Service or Deployment
     */
    public CompletableFuture<HealthSummary> awaitHealthyAsync(String app, Color color, Duration timeout) {
        return awaitHealthyAsync(app, color, timeout, null);
    }

    /**
     * {@link #awaitHealthyAsync(String, Color, Duration)} for what {@code release} deployed, and nothing else: when
     * its colour was redeployed by someone else (another holder, a hand edit) before or while waiting, the future
     * fails with {@link ConflictException} instead of reporting that other release's health as this one's.
     */
    public CompletableFuture<HealthSummary> awaitHealthyAsync(Release release, Duration timeout) {
        InputValidation.timeout(timeout);
        if (context.planThen(HealthWatch.plannedWait(release.deployment(), release.replicas(), timeout))) {
            // a dry run: the release was not written, so its rollout is the step that would follow; what a real wait
            // does once healthy (the preview Service) is planned too
            if (release.previewService() != null) {
                AppState state = AppState.read(context, release.app(), release.service());
                if (state.liveColor() != null && state.liveColor() != release.newColor()) {
                    new PreviewService(context).pointAt(state, release.previewService(), release.newColor());
                }
            }
            return CompletableFuture.completedFuture(new HealthSummary(
                    release.app(),
                    release.newColor(),
                    release.deployment(),
                    release.replicas(),
                    release.images(),
                    release.revision(),
                    Duration.ZERO));
        }
        return awaitHealthyAsync(release.app(), release.newColor(), timeout, release.releaseMarker());
    }

    /** {@link #awaitHealthyAsync(Release, Duration)} that blocks. */
    public HealthSummary awaitHealthy(Release release, Duration timeout) {
        return Futures.join(awaitHealthyAsync(release, timeout));
    }

    private CompletableFuture<HealthSummary> awaitHealthyAsync(
            String name, Color color, Duration timeout, String expectedRelease) {
        App app = app(name);
        InputValidation.timeout(timeout);
        CompletableFuture<HealthSummary> result = new CompletableFuture<>();
        // even the first reads run on the executor: a Jenkins step may call this from a thread that must not block
        executor.execute(() -> {
            try {
                AppState state = AppState.read(context, app, null);
                Color target = color != null ? color : state.requireAdopted().idleColor();
                Deployment deployment = state.deployment(target)
                        .orElseThrow(() -> new InvalidInputException(
                                "color",
                                "Deployment " + app.deployment(target) + " does not exist",
                                "deploy " + target + " first, or await the other colour"));
                CompletableFuture<HealthSummary> watch =
                        HealthWatch.start(context, name, target, deployment, timeout, expectedRelease);
                result.whenComplete((summary, failure) -> watch.cancel(false)); // cancelling ours unsubscribes
                // without a preview Service the verdict is the answer: no extra reads, no extra thread hop
                String preview = Labels.annotation(deployment, StateKeys.PREVIEW_SERVICE);
                CompletableFuture<HealthSummary> answer = preview == null
                        ? watch
                        : watch.thenApplyAsync(summary -> pointPreviewWhenIdle(app, target, summary), executor);
                answer.whenComplete((summary, failure) -> {
                    if (failure != null) {
                        result.completeExceptionally(Futures.unwrap(failure));
                    } else {
                        result.complete(summary);
                    }
                });
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** {@link #awaitHealthyAsync} that blocks; rethrows its {@link BlueGreenException}. */
    public HealthSummary awaitHealthy(String app, Color color, Duration timeout) {
        return Futures.join(awaitHealthyAsync(app, color, timeout));
    }

    /**
     * Preflight (the target colour's Deployment exists and all its replicas are ready), then one write of the live
     * Service guarded by its resourceVersion that changes the colour selector and the {@code active-color},
     * {@code previous-color} and {@code history} annotations together; then reads back and verifies. A conflicting
     * write is re-read and re-decided, never overwritten. Schedules the old colour's scale-down (see
     * {@link #scaleDownIfDue}), points a recorded preview Service at the new live colour, releases the lock.
     */
    public SwitchResult switchTraffic(SwitchRequest request) {
        if (!request.verifies()) {
            return new SwitchTraffic(context, lock).switchTraffic(app(request.app()), request);
        }
        CutoverVerification verification = switchTrafficVerified(request);
        try {
            Futures.join(verification.result());
        } catch (BlueGreenException interruptedOrFailed) {
            verification.stop("interrupted"); // a no-op once the verification has decided
            throw interruptedOrFailed;
        }
        return verification.switched();
    }

    /**
     * {@link #switchTraffic} followed by a verification window of {@code request.verifyFor()}: returns once traffic
     * moved and was confirmed on the Service's endpoints, with a handle whose {@link CutoverVerification#result()}
     * completes when the window ends. Meanwhile the new live colour's pods and the Service's EndpointSlices are watched
     * (informers, no polling); the first crash loop, restart, lost readiness, or drop of the ready endpoints below the
     * colour's desired count switches traffic back to the previous colour with the same guarded write as a switch,
     * confirmed on the endpoints and recorded as an {@code auto-revert} history entry with the pods' reasons
     * ({@link AutoRevertedException}). A window that passes marks the switch's history entry verified. The previous
     * colour's scale-down is scheduled no earlier than the window's end, and the deploy lock stays held (under
     * {@code <holder>:verifying}) until the verification ends, so no deploy overwrites the revert target meanwhile.
     * Nothing is verified when the colour was live already.
     *
     * @throws InvalidInputException when {@code verifyFor} is negative or too long, and as {@link #switchTraffic}
     */
    public CutoverVerification switchTrafficVerified(SwitchRequest request) {
        SwitchTraffic switcher = new SwitchTraffic(context, lock);
        SwitchTraffic.Switched switched = switcher.switchKeepingLock(app(request.app()), request);
        SwitchResult result = switched.result();
        if (!SwitchTraffic.verifiable(request, result)) {
            return CutoverVerification.notSwitched(result, request);
        }
        // a dry run moved no traffic, so there is nothing to watch: the window is a step of the plan
        if (context.planThen("verify " + result.to() + " for " + DurationText.format(request.verifyFor()) + ": any "
                + "crash, restart, lost readiness or missing ready endpoint switches traffic back to "
                + result.from())) {
            return CutoverVerification.notSwitched(result, request);
        }
        return CutoverVerification.start(context, lock, request, result, switched.state(), switched.verificationLock());
    }

    /**
     * Undoes the last release. If the idle colour holds a release that never went live (deployed after the last
     * switch and not scaled to zero), it is abandoned (see {@link #abandon}). Otherwise the Service is pointed back
     * at the {@code previous-color}: instantly when it still runs, else after scaling it up to its remembered
     * replicas and awaiting it healthy. Recorded in history; releases the lock.
     *
     * @throws InvalidInputException when there is no previous colour
     */
    public RollbackResult rollback(RollbackRequest request) {
        return new Rollback(context, lock).rollback(app(request.app()), request);
    }

    /** Before a switch: scales the idle colour to zero and releases the holder's lock; live traffic untouched. */
    public AbandonResult abandon(String app, String holder) {
        return new Abandon(context, lock).abandon(app(app), holder);
    }

    /**
     * A failed pipeline's cleanup: abandons the idle colour only when {@code holder} deployed it (its deploy
     * announcement on the Service, or its lock stamp on the idle Deployment); otherwise changes nothing. Never moves
     * traffic, so it is safe whichever step failed, before or after the deploy announced itself.
     *
     * @param service null = recorded by deploy, else {@code app}
     */
    public OwnAbandonResult abandonIfDeployedBy(String app, String holder, String service) {
        return new OwnReleaseAbandon(context, lock).abandon(app(app), holder, service);
    }

    /**
     * Scales the old colour to zero if its {@code bluegreen.jenkins.io/scale-down-at} time has come, remembering
     * its replica count for rollback. Re-reads the Service first and never scales the colour that serves traffic.
     * Safe to call any time, from any process (e.g. a Jenkins step after a restart).
     */
    public ScaleDownResult scaleDownIfDue(String app) {
        return new ScaleDown(context).ifDue(app);
    }

    /** Waits (without holding a thread) until the scheduled scale-down is due, then runs {@link #scaleDownIfDue}. */
    public CompletableFuture<ScaleDownResult> scaleDownWhenDue(String app) {
        InputValidation.app(app, settings);
        return new ScaleDown(context).whenDue(app);
    }

    /** Reads the app's state; writes nothing. Works for apps not under blue-green yet (live colour null). */
    public AppStatus status(String app) {
        return status(app, null);
    }

    /** @param service null = recorded by deploy, else {@code app} */
    public AppStatus status(String app, String service) {
        return new ReadStatus(context, lock).read(app(app), service);
    }

    /**
     * Takes (or renews, for the same holder) the Lease {@code <app>-bluegreen}. Waits up to {@code wait} for another
     * holder to release it or for it to expire, watching the Lease rather than polling.
     *
     * @throws LockHeldException naming the holder when it is still held after {@code wait}
     */
    public LockInfo acquireLock(String app, String holder, Duration wait) {
        App named = app(app);
        InputValidation.holder(holder);
        InputValidation.lockWait(wait);
        return lock.take(LockAsk.of(named, holder, LockAsk.Tenure.LONG, wait)).info();
    }

    /** Takes the lock whoever holds it; warns naming the previous holder. */
    public LockInfo takeOverLock(String app, String holder) {
        App named = app(app);
        InputValidation.holder(holder);
        return lock.take(LockAsk.of(named, holder, LockAsk.Tenure.TAKE_OVER, null))
                .info();
    }

    /**
     * Keeps the lock of a holder that is still at work (a build waiting at an approval): moves the Lease's renewTime to
     * now, with one request, only if {@code holder} holds it at that moment. Never takes a free lock or another
     * holder's. Lock stamps are not touched: each carries the renewal it saw, so a renewal makes none prove more.
     *
     * @return whether it renewed; false when the lock is released, gone, or held by another holder
     */
    public boolean renewLock(String app, String holder) {
        App named = app(app);
        InputValidation.holder(holder);
        return lock.renew(named, holder);
    }

    /**
     * For a caller that waits for the lock without a thread of its own (a Jenkins step): after an operation with no lock
     * wait failed with {@link LockHeldException}, completes once that lock ({@link LockHeldException#lock()}) changes —
     * released, renewed, taken, deleted — expires, or {@code until} passes; then the caller tries again. One watch
     * and a timer meanwhile; cancelling the future closes them. Completing says nothing about who holds the lock now.
     */
    public CompletableFuture<Void> awaitLockChangeAsync(String app, LockInfo seen, Instant until) {
        return lock.changeAsync(app(app), Objects.requireNonNull(seen, "seen"), Objects.requireNonNull(until, "until"));
    }

    /** Releases the lock if {@code holder} has it; returns whether it did. */
    public boolean releaseLock(String app, String holder) {
        App named = app(app);
        InputValidation.holder(holder);
        return lock.release(named, holder);
    }

    /**
     * Clears the lock of a dead holder without touching traffic, only if {@code holder} holds it at the moment of the
     * write; recorded on the Lease with {@code by} and the time. Its deploy's release stays as it is (abandon it, or
     * deploy again).
     *
     * @return the lock as it was cleared; empty when it was free already
     * @throws LockHeldException when someone else holds it now
     */
    public Optional<LockInfo> unlock(String app, String holder, String by) {
        App named = app(app);
        InputValidation.holder(holder);
        InputValidation.holder(by);
        return lock.unlock(named, holder, by);
    }

    /**
     * Moves the lock from {@code from} to {@code to} if {@code from} holds it now (one guarded write), e.g. from a
     * finished invocation to the same person's next command. Never takes a free lock or another holder's.
     *
     * @return whether it moved
     */
    public boolean handOverLock(String app, String from, String to) {
        App named = app(app);
        InputValidation.holder(from);
        InputValidation.holder(to);
        if (context.planThen("hand the deploy lock of " + app + " over from " + from + " to " + to + " (patch Lease "
                + named.lease() + ", guarded by its holder)")) {
            // a dry run took no lock (its Lease write was not stored), so there is nothing the API server could check
            return true;
        }
        return lock.handOver(named, from, to);
    }

    /** The lock Lease as it is, or empty when none exists. */
    public Optional<LockInfo> lock(String app) {
        return lock.read(app(app));
    }

    /** The app a request names, validated here, once, for the whole operation. */
    private App app(String name) {
        return App.of(name, settings);
    }

    /** A preview Service recorded by deploy follows the idle colour once it is ready — never before. */
    private HealthSummary pointPreviewWhenIdle(App app, Color color, HealthSummary summary) {
        AppState state = AppState.read(context, app, null);
        String preview = state.deployment(color)
                .map(d -> Labels.annotation(d, StateKeys.PREVIEW_SERVICE))
                .orElse(null);
        if (preview != null && state.liveColor() != null && state.liveColor() != color) {
            new PreviewService(context).pointAt(state, preview, color);
        }
        return summary;
    }

    public static final class Builder {
        private final KubernetesClient client;
        private String namespace;
        private ReleaseListener listener = ReleaseListener.NONE;
        private BlueGreenSettings settings = BlueGreenSettings.defaults();
        private Executor executor = ForkJoinPool.commonPool();
        private Clock clock = Clock.systemUTC();
        private SharedWatches watches;

        private Builder(KubernetesClient client) {
            this.client = Objects.requireNonNull(client, "client");
            this.namespace = client.getNamespace();
        }

        public Builder namespace(String namespace) {
            this.namespace = namespace;
            return this;
        }

        public Builder listener(ReleaseListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        public Builder settings(BlueGreenSettings settings) {
            this.settings = Objects.requireNonNull(settings);
            return this;
        }

        /** Where blocking work of the async methods runs (e.g. Jenkins' remoting pool). Default: the common pool. */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor);
            return this;
        }

        /** The time source for timestamps, lease expiry and scale-down schedules. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * The watches shared by every engine on this client, so that many releases waiting at once share one
         * informer per namespace and kind. Default: watches of this engine's own (shared by its own waits only).
         *
         * @throws IllegalArgumentException when they belong to another client
         */
        public Builder watches(SharedWatches watches) {
            if (watches.client() != client) {
                throw new IllegalArgumentException("the shared watches belong to another client");
            }
            this.watches = watches;
            return this;
        }

        /**
         * @throws InvalidInputException naming {@code namespace} when none was given and the client has none, or it
         *                               is not a valid namespace name
         */
        public BlueGreen build() {
            InputValidation.namespace(namespace);
            return new BlueGreen(this);
        }
    }
}
