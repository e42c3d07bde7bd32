package io.jenkins.plugins.bluegreen.core;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The deploy lock's Lease as stored: its reads, its guarded updates, its patches guarded by a JSON patch {@code test}
 * on the holder (the API server refuses them with 422 when the holder is not the one tested), and the waits for it
 * to change. {@link DeployLock} decides; this class only writes what it decided.
 */
final class LockLease {
    /** On the Lease: the last lock cleared by an unlock — whose, by whom, when. */
    static final String UNLOCKED = StateKeys.PREFIX + "last-unlock";

    private static final String APP_LABEL = "app.kubernetes.io/managed-by";
    /** The holder of a released Lease: empty, not absent, so a JSON patch can test for it. */
    private static final String FREE = "";

    private static final String HOLDER = "/spec/holderIdentity";
    private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX");

    private final EngineContext context;
    private final Cluster cluster;

    LockLease(EngineContext context) {
        this.context = context;
        this.cluster = context.cluster();
    }

    Optional<Lease> read(App app) {
        return cluster.lease(app.lease());
    }

    static LockInfo info(App app, Lease lease) {
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        Integer seconds = spec.getLeaseDurationSeconds();
        String holder =
                spec.getHolderIdentity() == null || spec.getHolderIdentity().isEmpty()
                        ? null
                        : spec.getHolderIdentity();
        return new LockInfo(
                app.name(),
                lease.getMetadata().getName(),
                holder,
                instant(spec.getAcquireTime()),
                instant(spec.getRenewTime()),
                seconds == null ? null : Duration.ofSeconds(seconds));
    }

    Lease create(App app, String holder, Instant now) {
        Lease lease = new LeaseBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(app.lease())
                        .withNamespace(context.namespace())
                        .withLabels(Map.of(APP_LABEL, "blue-green-deploy"))
                        .build())
                .withSpec(new LeaseSpec(time(now), holder, durationSeconds(), 0, null, time(now), null))
                .build();
        return cluster.create(lease, l -> holder.equals(l.getSpec().getHolderIdentity()));
    }

    /** Makes {@code holder} the holder of {@code current}, renewed now; a new holder counts a transition. */
    Lease claim(Lease current, String holder, Instant now) {
        LeaseSpec spec = current.getSpec() == null ? new LeaseSpec() : current.getSpec();
        boolean sameHolder = holder.equals(spec.getHolderIdentity());
        int transitions = spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
        Lease taken = new LeaseBuilder(current)
                .withSpec(new LeaseSpec(
                        sameHolder && spec.getAcquireTime() != null ? spec.getAcquireTime() : time(now),
                        holder,
                        durationSeconds(),
                        sameHolder ? transitions : transitions + 1,
                        null,
                        time(now),
                        null))
                .build();
        return cluster.update(taken, l -> holder.equals(l.getSpec().getHolderIdentity()));
    }

    /** Clears the holder of {@code lease}, guarded by its resourceVersion. */
    void clear(Lease lease) {
        cluster.update(
                freed(new LeaseBuilder(lease)),
                l -> !Objects.equals(
                        lease.getSpec().getHolderIdentity(), l.getSpec().getHolderIdentity()));
    }

    /** Clears the holder of {@code lease} and records {@code record} as the last unlock, in one guarded update. */
    void clearRecording(Lease lease, String record) {
        Map<String, String> annotations = new LinkedHashMap<>(
                lease.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : lease.getMetadata().getAnnotations());
        annotations.put(UNLOCKED, record);
        Lease released = freed(new LeaseBuilder(lease)
                .editMetadata()
                .withAnnotations(annotations)
                .endMetadata());
        cluster.update(
                released,
                l -> record.equals(
                        l.getMetadata().getAnnotations() == null
                                ? null
                                : l.getMetadata().getAnnotations().get(UNLOCKED)));
    }

    /** An empty holder, not none: a JSON patch can test for "" (a take if free), not for an absent field. */
    private static Lease freed(LeaseBuilder lease) {
        return lease.editSpec()
                .withHolderIdentity(FREE)
                .withAcquireTime(null)
                .withRenewTime(null)
                .endSpec()
                .build();
    }

    /** Names {@code to} as the holder of {@code lease}, renewed now, in one guarded update. */
    void move(Lease lease, String to, Instant now) {
        Lease moved = new LeaseBuilder(lease)
                .editSpec()
                .withHolderIdentity(to)
                .withRenewTime(time(now))
                .endSpec()
                .build();
        cluster.update(moved, l -> to.equals(l.getSpec().getHolderIdentity()));
    }

    /**
     * Takes a released Lease with one patch, no read: refused if anyone holds it by then, expired or not, and when it
     * is missing or was never released. The transition count is left as it is (a patch cannot count without a read).
     */
    Optional<Lease> takeIfFree(App app, String holder, Instant now) {
        JsonPatchOps ops = new JsonPatchOps()
                .test(HOLDER, FREE)
                .replace(HOLDER, holder)
                .add("/spec/acquireTime", microTime(now))
                .add("/spec/renewTime", microTime(now))
                .add("/spec/leaseDurationSeconds", durationSeconds());
        return patch(
                app, ops, l -> l.getSpec() != null && holder.equals(l.getSpec().getHolderIdentity()));
    }

    /**
     * Moves renewTime to now if {@code holder} holds the Lease at this moment, so a renewal never takes a lock; an
     * expired Lease that still names the holder is renewed (nobody took it meanwhile).
     */
    boolean renew(App app, String holder) {
        String renewedAt = microTime(context.clock().instant());
        Instant written = Instant.parse(renewedAt);
        // an answer lost after the patch landed: the Lease then shows our holder with exactly our renewTime
        return patch(
                        app,
                        new JsonPatchOps().test(HOLDER, holder).add("/spec/renewTime", renewedAt),
                        l -> l.getSpec() != null
                                && holder.equals(l.getSpec().getHolderIdentity())
                                && l.getSpec().getRenewTime() != null
                                && written.equals(l.getSpec().getRenewTime().toInstant()))
                .isPresent();
    }

    /** Clears the holder if it is {@code holder} at this moment, without a read; false when refused. */
    boolean releaseIfHeldBy(App app, String holder) {
        JsonPatchOps ops = new JsonPatchOps()
                .test(HOLDER, holder)
                .replace(HOLDER, FREE)
                .remove("/spec/acquireTime")
                .remove("/spec/renewTime");
        return patch(
                        app,
                        ops,
                        l -> l.getSpec() == null || !holder.equals(l.getSpec().getHolderIdentity()))
                .isPresent();
    }

    /** Names {@code to} as the holder if it is {@code from} at this moment, renewed now, without a read. */
    boolean passTo(App app, String from, String to) {
        JsonPatchOps ops = new JsonPatchOps()
                .test(HOLDER, from)
                .replace(HOLDER, to)
                .add("/spec/renewTime", microTime(context.clock().instant()));
        return patch(app, ops, l -> l.getSpec() != null && to.equals(l.getSpec().getHolderIdentity()))
                .isPresent();
    }

    /** Clears the holder if it is {@code holder}, reading the Lease first; false when it is free, gone or another's. */
    boolean releaseIfHolder(App app, String holder) {
        return ApiRetry.Races.LEASE.untilWon(
                attempt -> {
                    Optional<Lease> current = read(app);
                    if (current.isEmpty()
                            || !holder.equals(current.get().getSpec().getHolderIdentity())) {
                        return false;
                    }
                    clear(current.get()); // renewed or taken meanwhile: a lost race, look again
                    return true;
                },
                attempts -> changedOnEachAttempt(app, attempts, "releasing"));
    }

    ConflictException changedOnEachAttempt(App app, int attempts, String doing) {
        return new ConflictException("the deploy lock Lease " + app.lease() + " changed on each of " + attempts
                + " attempts at " + doing + " it; nothing was overwritten — check who else writes it (kubectl -n "
                + context.namespace() + " get lease " + app.lease() + " -o yaml) and retry");
    }

    private Optional<Lease> patch(App app, JsonPatchOps ops, Predicate<Lease> applied) {
        Lease named = new LeaseBuilder()
                .withNewMetadata()
                .withName(app.lease())
                .withNamespace(context.namespace())
                .endMetadata()
                .build();
        return cluster.patch(named, PatchType.JSON, ops.toString(), applied);
    }

    /**
     * Completes once the Lease is no longer as {@code seen} (released, renewed, taken, deleted), once it expires, or at
     * {@code until}, whichever comes first; a watch shared with the client's other waiters of that Lease
     * ({@link LeaseWatches}) and a timer meanwhile, no thread. Cancelling the future closes the watch and drops the
     * timer.
     */
    CompletableFuture<Void> changeAsync(App app, LockInfo seen, Instant until) {
        CompletableFuture<Void> changed = new CompletableFuture<>();
        context.executor().execute(() -> {
            if (changed.isDone()) {
                return;
            }
            try {
                // listen first, then read: a change after the read is an event; the shared watch may be old, so
                // events are judged against what the caller saw, not against a resourceVersion
                AutoCloseable listening = context.watches().leases().listen(context.namespace(), app.lease(), lease -> {
                    if (lease == null || !info(app, lease).equals(seen)) {
                        changed.complete(null);
                    }
                });
                changed.whenComplete((ignored, failure) -> {
                    try {
                        listening.close();
                    } catch (Exception e) {
                        // a watch that does not close cleanly is dropped by the client
                    }
                });
                Optional<Lease> current = read(app);
                Instant now = context.clock().instant();
                if (current.isEmpty() || !info(app, current.get()).equals(seen) || !now.isBefore(until)) {
                    changed.complete(null);
                    return;
                }
                Instant expires = seen.expiresAt();
                Instant wakeUp = expires != null && expires.isBefore(until) ? expires : until;
                changed.completeOnTimeout(
                        null, Math.max(0, Duration.between(now, wakeUp).toMillis()) + 1, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                changed.completeExceptionally(ApiFailures.translate(e, "watching Lease " + app.lease()));
            }
        });
        return changed;
    }

    /** Blocks until the Lease changes (not merely re-announced by a reconnecting watch) or {@code max} passes. */
    @SuppressFBWarnings(
            value = "RV_RETURN_VALUE_IGNORED",
            justification = "a change and a timeout end the wait alike: the caller reads the Lease again either way")
    void awaitChange(App app, Lease seen, Duration max) {
        String seenVersion = seen.getMetadata().getResourceVersion();
        CountDownLatch changed = new CountDownLatch(1);
        Watcher<Lease> watcher = new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease lease) {
                if (action == Action.DELETED
                        || !Objects.equals(seenVersion, lease.getMetadata().getResourceVersion())) {
                    changed.countDown();
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                changed.countDown(); // re-read rather than trust a broken watch
            }
        };
        Watch watch = cluster.call("watching Lease " + app.lease(), () -> context.client()
                .leases()
                .inNamespace(context.namespace())
                .withName(app.lease())
                .watch(watcher));
        try {
            if (!max.isNegative() && !max.isZero()) {
                changed.await(max.toMillis() + 1, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlueGreenException("interrupted while waiting for the deploy lock", e);
        } finally {
            watch.close();
        }
    }

    private int durationSeconds() {
        return (int) context.settings().leaseDuration().toSeconds();
    }

    /** A Lease time as the API server writes it (RFC 3339 with microseconds). */
    private static String microTime(Instant instant) {
        return MICRO_TIME.format(instant.atZone(ZoneOffset.UTC));
    }

    private static ZonedDateTime time(Instant instant) {
        return instant.atZone(ZoneOffset.UTC);
    }

    private static Instant instant(ZonedDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
