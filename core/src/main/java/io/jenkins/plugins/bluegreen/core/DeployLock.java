package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The per-app lock: a coordination.k8s.io/v1 Lease {@code <app>-bluegreen} naming its holder, visible with
 * {@code kubectl get lease}. Every change is a create or a resourceVersion-guarded update, so of two acquirers only
 * one wins; the loser re-reads and re-decides. Re-entrant for the same holder (acquiring again renews). A lease
 * not renewed within its duration has expired and can be taken. Released by clearing the holder, like client-go's
 * leader election, so the Lease keeps its transition count.
 */
final class DeployLock {
    private static final String APP_LABEL = "app.kubernetes.io/managed-by";
    /**
     * A short operation (switch, abandon) that finds the lock already its own with at least this much time left
     * does not renew it: nobody else can take an unexpired Lease, so the renewal would be a write that buys nothing.
     */
    static final Duration SHORT_OPERATION_MARGIN = Duration.ofMinutes(1);
    /**
     * Lost races (409) on the Lease before giving up. Each one means another writer changed the Lease in between, so
     * re-reading decides again; but a Lease that changes on every attempt (or an API server that answers 409 to every
     * write) must end the operation, not spin it forever.
     */
    static final int MAX_LOST_RACES = 10;

    /**
     * The lock as held: the Lease as last read or written, so releasing it needs no read first.
     *
     * @param contended another holder had the Lease before us (we waited for it, took it when it expired or took it
     *                  over), or we lost a race for it: whatever the caller read of the app before taking the lock may
     *                  have changed since, so it must read again before deciding what to write
     */
    record Held(String app, String holder, Lease lease, boolean contended) { }

    private final EngineContext context;
    private final Cluster cluster;

    DeployLock(EngineContext context) {
        this.context = context;
        this.cluster = context.cluster();
    }

    Optional<LockInfo> read(String app) {
        return cluster.lease(leaseName(app)).map(lease -> info(app, lease));
    }

    LockInfo acquire(String app, String holder, Duration wait) {
        return info(app, take(app, holder, wait, true).lease());
    }

    /** For a long operation (one that may await a rollout): like {@link #acquire}, keeping the Lease. */
    Held hold(String app, String holder, Duration wait) {
        return take(app, holder, wait, true);
    }

    /**
     * For a short operation: like {@link #acquire}, but a lock the holder already has with more than
     * {@link #SHORT_OPERATION_MARGIN} left is used as it is (one read, no write).
     */
    Held holdBriefly(String app, String holder, Duration wait) {
        return take(app, holder, wait, false);
    }

    private Held take(String app, String holder, Duration wait, boolean renewOwn) {
        Instant deadline = context.clock().instant().plus(wait == null ? Duration.ZERO : wait);
        boolean announcedWait = false;
        boolean contended = false;
        int lostRaces = 0;
        while (true) {
            Optional<Lease> current = cluster.lease(leaseName(app));
            Instant now = context.clock().instant();
            try {
                if (current.isEmpty()) {
                    return new Held(app, holder, create(app, holder, now), contended);
                }
                LockInfo info = info(app, current.get());
                if (!renewOwn && holder.equals(info.holder()) && info.expiresAt() != null
                        && info.expiresAt().isAfter(now.plus(SHORT_OPERATION_MARGIN))) {
                    return new Held(app, holder, current.get(), contended);
                }
                if (!info.isHeldAt(now) || holder.equals(info.holder())) {
                    // an expired holder may have written up to its last moment
                    boolean fromAnother = info.holder() != null && !holder.equals(info.holder());
                    return new Held(app, holder, claim(current.get(), holder, now), contended || fromAnother);
                }
                contended = true;
                if (!now.isBefore(deadline)) {
                    throw new LockHeldException(info, "wait until it is released or expires, or retry with a longer "
                            + "lock wait; a rollback can take it over explicitly");
                }
                if (!announcedWait) {
                    context.listener().info("waiting for the deploy lock of " + app + ", held by " + info.holder());
                    announcedWait = true;
                }
                Instant wakeUp = info.expiresAt() != null && info.expiresAt().isBefore(deadline) ? info.expiresAt()
                        : deadline;
                awaitChange(leaseName(app), current.get().getMetadata().getResourceVersion(),
                        Duration.between(now, wakeUp));
            } catch (StaleObjectException lostRace) {
                // someone else wrote the Lease between our read and write: read again and decide again
                contended = true;
                requireFewLostRaces(app, ++lostRaces, "taking");
            }
        }
    }

    LockInfo takeOver(String app, String holder) {
        return info(app, takeOverHeld(app, holder).lease());
    }

    Held takeOverHeld(String app, String holder) {
        boolean contended = false;
        int lostRaces = 0;
        while (true) {
            Optional<Lease> current = cluster.lease(leaseName(app));
            Instant now = context.clock().instant();
            try {
                if (current.isEmpty()) {
                    return new Held(app, holder, create(app, holder, now), contended);
                }
                LockInfo previous = info(app, current.get());
                if (previous.isHeldAt(now) && !holder.equals(previous.holder())) {
                    context.listener().warn("taking over the deploy lock of " + app + " from " + previous.holder()
                            + " (acquired " + previous.acquiredAt() + ")");
                }
                boolean fromAnother = previous.holder() != null && !holder.equals(previous.holder());
                return new Held(app, holder, claim(current.get(), holder, now), contended || fromAnother);
            } catch (StaleObjectException lostRace) {
                // re-read and take again
                contended = true;
                requireFewLostRaces(app, ++lostRaces, "taking over");
            }
        }
    }

    /** Clears the holder if {@code holder} has it; a lock held by someone else is left alone. */
    boolean release(String app, String holder) {
        int lostRaces = 0;
        while (true) {
            Optional<Lease> current = cluster.lease(leaseName(app));
            if (current.isEmpty() || !holder.equals(current.get().getSpec().getHolderIdentity())) {
                return false;
            }
            try {
                cleared(current.get());
                return true;
            } catch (StaleObjectException lostRace) {
                // renewed or taken meanwhile: look again
                requireFewLostRaces(app, ++lostRaces, "releasing");
            }
        }
    }

    /** Releases a lock held by this process, writing against the Lease it knows; re-reads only if that is stale. */
    boolean release(Held held) {
        try {
            cleared(held.lease());
            return true;
        } catch (StaleObjectException changedMeanwhile) {
            return release(held.app(), held.holder());
        }
    }

    /**
     * Releases the lock once the operation's change is made. Failing to release must not turn a change that is done
     * (traffic switched, a colour abandoned) into a reported failure — the caller would retry or undo something that
     * happened; the lock then simply expires, which is what a crashed holder's lock does too. Said as a warning.
     */
    void releaseAfterSuccess(Held held) {
        try {
            release(held);
        } catch (BlueGreenException e) {
            Instant expires = info(held.app(), held.lease()).expiresAt();
            context.listener().warn("the deploy lock of " + held.app() + " could not be released (" + e.getMessage()
                    + "); it stays held by " + held.holder() + (expires == null ? "" : " until it expires at " + expires)
                    + " — the change itself is done; the same holder can go on, others wait for the expiry");
        }
    }

    private void requireFewLostRaces(String app, int lostRaces, String doing) {
        if (lostRaces >= MAX_LOST_RACES) {
            throw new ConflictException("the deploy lock Lease " + leaseName(app) + " changed on each of " + lostRaces
                    + " attempts at " + doing + " it; nothing was overwritten — check who else writes it (kubectl -n "
                    + context.namespace() + " get lease " + leaseName(app) + " -o yaml) and retry");
        }
    }

    private void cleared(Lease lease) {
        Lease released = new LeaseBuilder(lease).editSpec().withHolderIdentity(null).withAcquireTime(null)
                .withRenewTime(null).endSpec().build();
        cluster.update(released, l -> l.getSpec().getHolderIdentity() == null);
    }

    private Lease create(String app, String holder, Instant now) {
        Lease lease = new LeaseBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(leaseName(app)).withNamespace(context.namespace())
                        .withLabels(Map.of(APP_LABEL, "blue-green-deploy")).build())
                .withSpec(new LeaseSpec(time(now), holder, (int) context.settings().leaseDuration().toSeconds(), 0,
                        null, time(now), null))
                .build();
        return cluster.create(lease, l -> holder.equals(l.getSpec().getHolderIdentity()));
    }

    private Lease claim(Lease current, String holder, Instant now) {
        LeaseSpec spec = current.getSpec() == null ? new LeaseSpec() : current.getSpec();
        boolean sameHolder = holder.equals(spec.getHolderIdentity());
        int transitions = spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
        Lease taken = new LeaseBuilder(current).withSpec(new LeaseSpec(
                sameHolder && spec.getAcquireTime() != null ? spec.getAcquireTime() : time(now), holder,
                (int) context.settings().leaseDuration().toSeconds(), sameHolder ? transitions : transitions + 1,
                null, time(now), null)).build();
        return cluster.update(taken, l -> holder.equals(l.getSpec().getHolderIdentity()));
    }

    /** Blocks until the Lease changes (not merely re-announced by a reconnecting watch) or {@code max} passes. */
    private void awaitChange(String leaseName, String seenVersion, Duration max) {
        CountDownLatch changed = new CountDownLatch(1);
        Watcher<Lease> watcher = new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease lease) {
                if (action == Action.DELETED || !Objects.equals(seenVersion, lease.getMetadata().getResourceVersion())) {
                    changed.countDown();
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                changed.countDown(); // re-read rather than trust a broken watch
            }
        };
        Watch watch = cluster.call("watching Lease " + leaseName,
                () -> context.client().leases().inNamespace(context.namespace()).withName(leaseName).watch(watcher));
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

    private LockInfo info(String app, Lease lease) {
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        Integer seconds = spec.getLeaseDurationSeconds();
        String holder = spec.getHolderIdentity() == null || spec.getHolderIdentity().isEmpty() ? null
                : spec.getHolderIdentity();
        return new LockInfo(app, lease.getMetadata().getName(), holder, instant(spec.getAcquireTime()),
                instant(spec.getRenewTime()), seconds == null ? null : Duration.ofSeconds(seconds));
    }

    private String leaseName(String app) {
        return context.settings().leaseName(app);
    }

    private static ZonedDateTime time(Instant instant) {
        return instant.atZone(ZoneOffset.UTC);
    }

    private static Instant instant(ZonedDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
