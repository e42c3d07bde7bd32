package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.time.Instant;

/**
 * The per-app lock as read from its Lease.
 *
 * @param holder     the holder identity (e.g. a build URL or {@code cli:user@host}); null when released
 * @param acquiredAt when the current holder took it (null when never held)
 * @param renewedAt  last renewal (null when never held)
 */
public record LockInfo(
        String app, String leaseName, String holder, Instant acquiredAt, Instant renewedAt, Duration leaseDuration) {

    /** When the lock lapses unless renewed; null when it is not held. */
    public Instant expiresAt() {
        return renewedAt == null || leaseDuration == null ? null : renewedAt.plus(leaseDuration);
    }

    /** Held by someone and not yet expired at {@code now}. */
    public boolean isHeldAt(Instant now) {
        Instant expires = expiresAt();
        return holder != null && !holder.isEmpty() && expires != null && expires.isAfter(now);
    }
}
