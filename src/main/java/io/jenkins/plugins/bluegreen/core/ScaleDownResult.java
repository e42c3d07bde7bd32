package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;

/**
 * What {@link BlueGreen#scaleDownIfDue} found or did.
 *
 * @param color            the colour concerned, or null when nothing was scheduled
 * @param due              when the scale-down is/was due, or null
 * @param previousReplicas replicas before scaling down (remembered on the Deployment for rollback)
 */
public record ScaleDownResult(
        String app, Outcome outcome, Color color, String deployment, Instant due, int previousReplicas) {
    public enum Outcome {
        /** The old colour was scaled to zero. */
        SCALED_DOWN,
        /** A scale-down is scheduled but its time has not come. */
        NOT_DUE,
        /** No colour is scheduled for scale-down. */
        NOTHING_SCHEDULED,
        /** The scheduled colour serves traffic again (e.g. after a rollback); the schedule was dropped, never scaled. */
        SKIPPED_LIVE
    }
}
