package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * The per-app lock: a coordination.k8s.io/v1 Lease {@code <app>-bluegreen} naming its holder ({@link LockLease}).
 * Every change is a create, a resourceVersion-guarded update or a patch tested on the holder, so of two acquirers
 * only one wins; the loser re-reads and re-decides. Re-entrant for the same holder. A lease not renewed within its
 * duration has expired and can be taken. Released by clearing the holder, so the Lease keeps its transition count.
 * Operations run under it through {@link #under} (docs/architecture.md, "How to read the engine").
 */
final class DeployLock {
    /** A short operation that finds its own lock with at least this much left uses it without renewing it. */
    static final Duration SHORT_OPERATION_MARGIN = Duration.ofMinutes(1);

    private final EngineContext context;
    private final Cluster cluster;
    private final LockLease lease;

    DeployLock(EngineContext context) {
        this.context = context;
        this.cluster = context.cluster();
        this.lease = new LockLease(context);
    }

    /**
     * The template of every locked operation: takes the lock as {@code ask} says; when that was contended, what was
     * {@code decided} before may be stale, so {@code reread} decides again (a refusal there gives the lock back); then
     * {@code act} runs and ends the tenure through the {@link HeldLock} it gets. A failure in {@code act} keeps the lock.
     */
    <S, T> T under(LockAsk ask, S decided, UnaryOperator<S> reread, BiFunction<HeldLock, S, T> act) {
        try (HeldLock held = take(ask)) {
            S state = held.contended() ? reread.apply(decided) : decided;
            held.keep();
            return act.apply(held, state);
        }
    }

    /** Takes the lock and keeps it (a deploy, an adoption, a caller that holds it across operations). */
    HeldLock take(LockAsk ask) {
        if (ask.stamped() != null
                && ask.service() != null
                && ask.tenure() != LockAsk.Tenure.TAKE_OVER
                && LockStamp.on(ask.stamped())
                        .filter(stamp -> stamp.proves(
                                ask.holder(), context.clock().instant(), SHORT_OPERATION_MARGIN, ask.service()))
                        .isPresent()) {
            return new HeldLock(context, lease, ask.app(), ask.holder(), null, false);
        }
        if (ask.tenure() == LockAsk.Tenure.SHORT_USUALLY_FREE) {
            Optional<Lease> taken =
                    lease.takeIfFree(ask.app(), ask.holder(), context.clock().instant());
            if (taken.isPresent()) {
                return new HeldLock(context, lease, ask.app(), ask.holder(), taken.get(), false);
            }
        }
        return claim(ask);
    }

    private HeldLock claim(LockAsk ask) {
        App app = ask.app();
        String holder = ask.holder();
        boolean takeOver = ask.tenure() == LockAsk.Tenure.TAKE_OVER;
        // a dry run never waits for another holder: it reports the lock held, as a run without a lock wait would
        Instant deadline = context.clock()
                .instant()
                .plus(ask.lockWait() == null || context.dryRun() ? Duration.ZERO : ask.lockWait());
        boolean announcedWait = false;
        boolean contended = false;
        ApiRetry.LostRaces lost = ApiRetry.Races.LEASE.count();
        while (true) {
            Optional<Lease> current = lease.read(app);
            Instant now = context.clock().instant();
            try {
                if (current.isEmpty()) {
                    return new HeldLock(context, lease, app, holder, lease.create(app, holder, now), contended);
                }
                LockInfo info = LockLease.info(app, current.get());
                boolean own = holder.equals(info.holder());
                if (own
                        && ask.tenure() != LockAsk.Tenure.LONG
                        && !takeOver
                        && info.expiresAt() != null
                        && info.expiresAt().isAfter(now.plus(SHORT_OPERATION_MARGIN))) {
                    return new HeldLock(context, lease, app, holder, current.get(), contended);
                }
                if (takeOver
                        || own
                        || !info.isHeldAt(now)
                        || (ask.takesBackFrom() != null && ask.takesBackFrom().equals(info.holder()))) {
                    if (takeOver && info.isHeldAt(now) && !own) {
                        context.listener()
                                .warn("taking over the deploy lock of " + app + " from " + info.holder() + " (acquired "
                                        + info.acquiredAt() + ")");
                    }
                    // an expired holder may have written up to its last moment
                    HeldLock held = new HeldLock(
                            context,
                            lease,
                            app,
                            holder,
                            lease.claim(current.get(), holder, now),
                            contended || (info.holder() != null && !own));
                    if (takeOver) {
                        voidStampsOfOthers(app, holder);
                    }
                    return held;
                }
                contended = true;
                if (!now.isBefore(deadline)) {
                    throw new LockHeldException(
                            info,
                            "wait until it is released or expires, or retry with a longer "
                                    + "lock wait; if its holder is dead, clear the lock with unlock (traffic is not touched) "
                                    + "and abandon its release if it is not wanted; a rollback can take it over explicitly");
                }
                if (!announcedWait) {
                    context.listener().info("waiting for the deploy lock of " + app + ", held by " + info.holder());
                    announcedWait = true;
                }
                Instant expires = info.expiresAt();
                lease.awaitChange(
                        app,
                        current.get(),
                        Duration.between(now, expires != null && expires.isBefore(deadline) ? expires : deadline));
            } catch (StaleObjectException lostRace) {
                // someone else wrote the Lease between our read and write: read again and decide again
                contended = true;
                lost.lost(attempts -> lease.changedOnEachAttempt(app, attempts, takeOver ? "taking over" : "taking"));
            }
        }
    }

    /** The previous holder's stamp would still prove its tenure to its own switch ({@link LockStamp}): void it. */
    private void voidStampsOfOthers(App app, String holder) {
        try {
            LockStamp.removeAll(cluster, app, stampHolder -> !holder.equals(stampHolder));
        } catch (BlueGreenException e) {
            context.listener()
                    .warn("took over the deploy lock of " + app + ", but the previous holder's lock stamp "
                            + "could not be removed from its Deployment, so a switch it has pending could still go ahead; "
                            + "retry the take-over");
            throw e;
        }
    }

    /**
     * Moves the lock from {@code from} to {@code to} when {@code from} holds it at the moment of the write, renewing it
     * (the CLI hands a finished invocation's lock to the person's next command). The stamps of {@code from} go first.
     */
    boolean handOver(App app, String from, String to) {
        return ApiRetry.Races.LEASE.untilWon(
                attempt -> {
                    Optional<Lease> current = lease.read(app);
                    if (current.isEmpty()
                            || !from.equals(current.get().getSpec().getHolderIdentity())) {
                        return false;
                    }
                    LockStamp.removeAll(cluster, app, from::equals);
                    lease.move(current.get(), to, context.clock().instant());
                    return true;
                },
                attempts -> lease.changedOnEachAttempt(app, attempts, "handing over"));
    }

    Optional<LockInfo> read(App app) {
        return lease.read(app).map(l -> LockLease.info(app, l));
    }

    /** Renews the lock if {@code holder} holds it now; never takes a free lock or another holder's. */
    boolean renew(App app, String holder) {
        return lease.renew(app, holder);
    }

    CompletableFuture<Void> changeAsync(App app, LockInfo seen, Instant until) {
        return lease.changeAsync(app, seen, until);
    }

    /** Clears the holder if {@code holder} has it, its stamps first; a lock held by someone else is left alone. */
    boolean release(App app, String holder) {
        LockStamp.removeAll(cluster, app, holder::equals);
        return lease.releaseIfHolder(app, holder);
    }

    /**
     * Clears the lock of {@code holder} — a dead process or build — without touching traffic, only if it holds the
     * lock at the moment of the write; its stamps go first. Recorded on the Lease ({@link LockLease#UNLOCKED}).
     *
     * @return the lock as it was cleared; empty when it was free (or gone) already
     * @throws LockHeldException when someone else holds it now
     */
    Optional<LockInfo> unlock(App app, String holder, String by) {
        return ApiRetry.Races.LEASE.untilWon(
                attempt -> {
                    Optional<Lease> current = lease.read(app);
                    Optional<LockInfo> info =
                            current.map(l -> LockLease.info(app, l)).filter(i -> i.holder() != null);
                    if (info.isEmpty()) {
                        return info;
                    }
                    if (!holder.equals(info.get().holder())) {
                        throw new LockHeldException(
                                info.get(),
                                "it is held by " + info.get().holder() + " now, not by " + holder
                                        + "; nothing was changed (clear a holder's lock only when that holder is dead)");
                    }
                    LockStamp.removeAll(cluster, app, holder::equals);
                    lease.clearRecording(
                            current.get(),
                            holder + " cleared by " + by + " at "
                                    + context.clock().instant());
                    context.listener()
                            .info("cleared the deploy lock of " + app + " held by " + holder + " (recorded on "
                                    + "Lease " + app.lease() + "); traffic was not touched");
                    return info;
                },
                attempts -> lease.changedOnEachAttempt(app, attempts, "clearing"));
    }
}
