package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;

/**
 * How a verified switch ended when the new live colour held up (a failure is an {@link AutoRevertedException}).
 *
 * @param color    the colour that went live and was watched
 * @param previous the colour it replaced, kept running as the revert target for the window; null when nothing moved
 * @param window   how long it was watched
 * @param outcome  {@code VERIFIED}: watched for the whole window and recorded ({@code verifiedAt} on its history entry);
 *                 {@code NOT_SWITCHED}: the colour was live already, so nothing moved and nothing was watched
 * @param recorded the switch's history entry as marked verified; null for {@code NOT_SWITCHED}
 */
public record VerificationResult(
        String app,
        String service,
        Color color,
        Color previous,
        Duration window,
        Outcome outcome,
        HistoryEntry recorded) {
    public enum Outcome {
        VERIFIED,
        NOT_SWITCHED
    }
}
