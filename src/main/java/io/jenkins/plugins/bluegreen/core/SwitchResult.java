package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;

/**
 * The live Service selects {@code to}.
 *
 * @param outcome     {@link Outcome#SWITCHED} by this call, or {@link Outcome#ALREADY_LIVE} when someone else had
 *                    already made {@code to} live (nothing was written then)
 * @param scaleDownAt when the old colour becomes due for scale-down ({@link BlueGreen#scaleDownIfDue}); null = kept
 * @param recorded    the history entry written, or null when nothing was written
 */
public record SwitchResult(
        String app,
        String service,
        Color from,
        Color to,
        String revision,
        Outcome outcome,
        Instant scaleDownAt,
        String previewService,
        HistoryEntry recorded) {
    public enum Outcome {
        SWITCHED,
        ALREADY_LIVE
    }
}
