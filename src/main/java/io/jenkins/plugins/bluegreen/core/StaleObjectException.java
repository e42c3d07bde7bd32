package io.jenkins.plugins.bluegreen.core;

/**
 * A guarded write lost the race (HTTP 409: resourceVersion changed, or the object already exists). Internal: every
 * caller re-reads and re-decides; it never reaches users.
 */
final class StaleObjectException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StaleObjectException(String what, Throwable cause) {
        super(what + " was changed concurrently", cause);
    }
}
