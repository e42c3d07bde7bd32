package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps one build's deploy lock alive while the build waits (typically at an {@code input} gate), as Jenkins' own
 * {@code lock} step holds a lock for as long as its build runs. Each tick renews the Lease with core's
 * {@link BlueGreen#renewLock}, which never takes a free or someone else's lock; the keeper ends — without releasing
 * anything — as soon as renewing is refused (released by the build's own switch or rollback, or taken over), the
 * build is no longer running, the maximum has passed, or it is stopped or replaced. Holds a connection (closed when it
 * ends) but no thread: ticks come from {@link LockKeepers}' one scheduler thread, requests run on the engine pool.
 */
final class LockKeeper {
    private static final Logger LOGGER = Logger.getLogger(LockKeeper.class.getName());

    /** Why a keeper ended. */
    enum End {
        RELEASED_OR_TAKEN,
        BUILD_ENDED,
        MAXIMUM,
        STOPPED,
        REPLACED,
        SHUTDOWN
    }

    private final ScaleDownTasks.AppKey key;
    private final String holder;
    private final ClusterClients.Connection connection;
    private final BlueGreen engine;
    private final BooleanSupplier stillRunning;
    private final long deadlineNanos;
    private final CredentialMask secrets;
    private final Executor requests;
    private final Consumer<LockKeeper> onEnd;
    private final CompletableFuture<End> ended = new CompletableFuture<>();
    private final AtomicBoolean renewing = new AtomicBoolean();
    private final AtomicInteger renewals = new AtomicInteger();
    private volatile ScheduledFuture<?> ticks;

    LockKeeper(
            ScaleDownTasks.AppKey key,
            String holder,
            ClusterClients.Connection connection,
            BlueGreen engine,
            BooleanSupplier stillRunning,
            Duration maximum,
            CredentialMask secrets,
            Executor requests,
            Consumer<LockKeeper> onEnd) {
        this.key = key;
        this.holder = holder;
        this.connection = connection;
        this.engine = engine;
        this.stillRunning = stillRunning;
        this.deadlineNanos = System.nanoTime() + maximum.toNanos();
        this.secrets = secrets;
        this.requests = requests;
        this.onEnd = onEnd;
    }

    ScaleDownTasks.AppKey key() {
        return key;
    }

    String holder() {
        return holder;
    }

    /** Every lease duration / 3: two renewals may fail (a slow or briefly unreachable API server) before it expires. */
    Duration interval() {
        return engine.settings().leaseDuration().dividedBy(3);
    }

    void scheduled(ScheduledFuture<?> ticks) {
        this.ticks = ticks;
        if (ended.isDone()) {
            ticks.cancel(false);
        }
    }

    /** How the keeper ended, once it has (tests wait for it). */
    CompletableFuture<End> ended() {
        return ended;
    }

    /** Renewals that succeeded so far. */
    int renewals() {
        return renewals.get();
    }

    /** On the scheduler thread: decides quickly, and leaves the request to the engine pool. */
    void tick() {
        if (ended.isDone()) {
            return;
        }
        if (!stillRunning.getAsBoolean()) {
            end(End.BUILD_ENDED);
        } else if (System.nanoTime() - deadlineNanos >= 0) {
            end(End.MAXIMUM);
        } else if (renewing.compareAndSet(false, true)) { // a renewal still in flight is not doubled
            try {
                requests.execute(this::renew);
            } catch (RuntimeException rejected) {
                renewing.set(false);
                end(End.SHUTDOWN);
            }
        }
    }

    private void renew() {
        try {
            if (ended.isDone()) {
                return;
            }
            if (engine.renewLock(key.app(), holder)) {
                renewals.incrementAndGet();
            } else {
                end(End.RELEASED_OR_TAKEN);
            }
        } catch (RuntimeException e) {
            // the next tick tries again; the lease outlasts two missed renewals
            LOGGER.warning(() -> secrets.redact("could not renew the deploy lock of " + describe() + ": "
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "; trying again in " + interval()));
        } finally {
            renewing.set(false);
        }
    }

    /** Ends the keeper (once); the lock is left as it is. */
    void end(End why) {
        if (!ended.complete(why)) {
            return;
        }
        ScheduledFuture<?> t = ticks;
        if (t != null) {
            t.cancel(false);
        }
        connection.close();
        onEnd.accept(this);
        // the ends nobody caused on purpose are worth an INFO line; the planned ones only at FINE
        boolean planned = why == End.STOPPED || why == End.REPLACED || why == End.SHUTDOWN;
        LOGGER.log(
                planned ? Level.FINE : Level.INFO,
                () -> secrets.redact("stopped renewing the deploy lock of " + describe() + ": "
                        + switch (why) {
                            case RELEASED_OR_TAKEN ->
                                "it is no longer held by this build (released, or taken over by another holder)";
                            case BUILD_ENDED ->
                                "the build is no longer running; the lock expires by itself unless released";
                            case MAXIMUM ->
                                "renewed for the maximum of " + LockKeepers.MAXIMUM.toHours()
                                        + " h; it expires by itself";
                            case STOPPED -> "the build's own switch, rollback or abandon is done with it";
                            case REPLACED -> "a newer keeper of the app took over";
                            case SHUTDOWN ->
                                "Jenkins is shutting down; the lock expires by itself unless renewed after the restart";
                        }));
    }

    private String describe() {
        return key.app() + " (namespace " + key.namespace() + ") held by " + holder;
    }
}
