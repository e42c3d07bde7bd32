package io.jenkins.plugins.bluegreen.core;

/**
 * What a rollback did.
 *
 * @param liveColor the colour serving traffic afterwards
 * @param other     the colour that was rolled away from (switched away from, or abandoned)
 */
public record RollbackResult(String app, Action action, Color liveColor, Color other, String message) {
    public enum Action {
        /** The previous colour was still running; the Service was pointed back at it in one write. */
        SWITCHED_BACK,
        /** The previous colour had been scaled down; it was scaled up, awaited, then switched to. */
        SCALED_UP_AND_SWITCHED_BACK,
        /** No switch had happened for the pending release; its colour was scaled to zero, traffic untouched. */
        ABANDONED
    }
}
