package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The lock as held: the Lease as last read or written (null when a stamp proved it), so releasing needs no read.
 * Closing it gives the lock back unless the operation {@link #keep}s it or ended the tenure itself.
 * {@code contended}: another holder had it before us, or we lost a race for it — what the operation read before
 * may have changed since, so it must read again before deciding what to write.
 */
final class HeldLock implements AutoCloseable {
    private final EngineContext context;
    private final LockLease store;
    private final App app;
    private final String holder;
    private final Lease lease;
    private final boolean contended;
    private boolean settled;

    HeldLock(EngineContext context, LockLease store, App app, String holder, Lease lease, boolean contended) {
        this.context = context;
        this.store = store;
        this.app = app;
        this.holder = holder;
        this.lease = lease;
        this.contended = contended;
    }

    App app() {
        return app;
    }

    String holder() {
        return holder;
    }

    Lease lease() {
        return lease;
    }

    boolean contended() {
        return contended;
    }

    /** The lock as this tenure took it; for a stamp-proven tenure, as the Lease is now. */
    LockInfo info() {
        return lease != null
                ? LockLease.info(app, lease)
                : store.read(app).map(l -> LockLease.info(app, l)).orElseThrow();
    }

    /** From here on a failure keeps the lock, for the holder to go on or for it to expire. */
    void keep() {
        settled = true;
    }

    /**
     * Gives the lock back after a refusal or failure: the holder's stamps first; if they cannot be removed the lock
     * is kept until it expires rather than released with a stamp that would still vouch for it (a warning).
     */
    boolean release() {
        settled = true;
        try {
            LockStamp.removeAll(context.cluster(), app, holder::equals);
        } catch (BlueGreenException e) {
            context.listener()
                    .warn("the deploy lock of " + app + " is kept until it expires: the lock stamp on "
                            + "its Deployments could not be removed first (" + e.getMessage() + ")");
            return false;
        }
        return releaseHeld();
    }

    /**
     * Releases the lock once the operation's change is made: {@code stampsVoided} when that change voided the
     * holder's stamps itself (a recorded traffic change moves the history head; an abandon removes the stamp in
     * its own write), else they are dropped first. Failing to release is a warning, never a failure of a change
     * that is done: the lock then expires, as a crashed holder's does.
     */
    void releaseAfterChange(boolean stampsVoided) {
        settled = true;
        try {
            if (stampsVoided) {
                releaseHeld();
            } else {
                release();
            }
        } catch (BlueGreenException e) {
            Instant expires = lease == null ? null : LockLease.info(app, lease).expiresAt();
            context.listener()
                    .warn("the deploy lock of " + app + " could not be released (" + e.getMessage()
                            + (stampsVoided
                                    ? "); it stays held by " + holder
                                            + (expires == null
                                                    ? " until it expires"
                                                    : " until it expires at " + expires)
                                            + " — the change itself is done; the same holder can go "
                                            + "on, others wait for the expiry"
                                    : "); it expires by itself"));
        }
    }

    /**
     * After a switch to be verified: the lock moves to {@code to} with one patch tested on this holder, instead of
     * being released (the switch's own holder would otherwise go on and overwrite the colour a revert needs).
     *
     * @return the verification's tenure; empty when it could not be moved (a warning: it verifies without it)
     */
    Optional<HeldLock> passTo(String to) {
        settled = true;
        try {
            if (store.passTo(app, holder, to)) {
                return Optional.of(new HeldLock(context, store, app, to, null, false));
            }
            context.listener()
                    .warn("the deploy lock of " + app + " is no longer held by " + holder
                            + " (taken over?); verifying without it");
        } catch (BlueGreenException e) {
            context.listener()
                    .warn("the deploy lock of " + app + " could not be kept for the verification (" + e.getMessage()
                            + "); verifying without it");
        }
        return Optional.empty();
    }

    /** Without a read: against the copy held (re-read if stale), or with a patch tested on the holder. */
    private boolean releaseHeld() {
        try {
            if (lease == null ? store.releaseIfHeldBy(app, holder) : clear(lease)) {
                return true;
            }
        } catch (StaleObjectException changedMeanwhile) {
            // renewed, taken or edited by hand meanwhile: look at it
        }
        return store.releaseIfHolder(app, holder);
    }

    private boolean clear(Lease held) {
        store.clear(held);
        return true;
    }

    /** Runs a step whose failure gives the lock back: a refusal before the operation wrote anything of its own. */
    <T> T orRelease(Supplier<T> step) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            release();
            throw e;
        }
    }

    /** Gives the lock back when the operation ended before saying how its tenure ends (try-with-resources). */
    @Override
    public void close() {
        if (!settled) {
            release();
        }
    }
}
