package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The deploy locks the controller keeps alive ({@link LockKeeper}), at most one keeper per app: a newer one for the
 * same app replaces the older. All keepers share ONE scheduler thread, which only decides; the renewals themselves
 * run on the engine pool, so 200 builds waiting at their approvals cost one thread, not 200. Remembered across a
 * controller restart ({@link KeptLocks}): the runtime starts them again for builds that still run.
 */
final class LockKeepers implements AutoCloseable {
    /** No build holds a release lock for longer than this (a forgotten approval); it then expires by itself. */
    static final Duration MAXIMUM = Duration.ofHours(24);

    static final String THREAD_NAME = "blue-green-lock-keeper";

    private final Map<ScaleDownTasks.AppKey, LockKeeper> keepers = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final Executor requests;
    private final KeptLocks kept;

    /** @param threads makes the one scheduler thread (lazily, from whichever thread starts the first keeper) */
    LockKeepers(Executor requests, ThreadFactory threads, KeptLocks kept) {
        this.requests = requests;
        this.kept = kept;
        this.scheduler = new ScheduledThreadPoolExecutor(1, threads);
        scheduler.setRemoveOnCancelPolicy(true); // ended keepers leave no tasks behind
    }

    /**
     * Starts keeping {@code holder}'s lock of the app alive, replacing the app's keeper if it has one;
     * {@code connection} (the engine's) is closed when the keeper ends, however it ends.
     *
     * @param renewNow renew at once (after a restart, the lock may be close to expiring), not one interval from now
     */
    LockKeeper start(
            KeptLocks.Kept record,
            ClusterClients.Connection connection,
            BlueGreen engine,
            BooleanSupplier stillRunning,
            CredentialMask secrets,
            boolean renewNow) {
        ScaleDownTasks.AppKey key = record.key();
        String holder = record.holder();
        LockKeeper keeper =
                new LockKeeper(key, holder, connection, engine, stillRunning, MAXIMUM, secrets, requests, ended -> {
                    keepers.remove(ended.key(), ended);
                    LockKeeper.End why = ended.ended().getNow(null);
                    // a shutdown's keepers resume after the restart; a replaced one's entry is its successor's now
                    if (why != LockKeeper.End.SHUTDOWN && why != LockKeeper.End.REPLACED) {
                        kept.ended(ended.key(), ended.holder());
                    }
                });
        kept.kept(record);
        LockKeeper previous = keepers.put(key, keeper);
        if (previous != null) {
            previous.end(LockKeeper.End.REPLACED);
        }
        long every = keeper.interval().toMillis();
        try {
            keeper.scheduled(
                    scheduler.scheduleWithFixedDelay(keeper::tick, renewNow ? 0 : every, every, TimeUnit.MILLISECONDS));
        } catch (RuntimeException shutDown) {
            keeper.end(LockKeeper.End.SHUTDOWN);
            throw shutDown;
        }
        return keeper;
    }

    /** The holder's own switch, rollback or abandon is done with the lock: its keeper ends (another holder's stays). */
    void stop(ScaleDownTasks.AppKey key, String holder) {
        LockKeeper keeper = keepers.get(key);
        if (keeper != null && keeper.holder().equals(holder)) {
            keeper.end(LockKeeper.End.STOPPED);
        }
    }

    /** The app's running keeper (tests). */
    Optional<LockKeeper> keeper(String namespace, String app) {
        return keepers.values().stream()
                .filter(k ->
                        k.key().namespace().equals(namespace) && k.key().app().equals(app))
                .findFirst();
    }

    @Override
    public void close() {
        keepers.values().forEach(k -> k.end(LockKeeper.End.SHUTDOWN));
        scheduler.shutdownNow();
    }
}
