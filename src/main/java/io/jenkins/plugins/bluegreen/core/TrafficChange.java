package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;

/**
 * What {@link ServiceSelectorWrite#write} records about the traffic change it makes, and what it is held to.
 *
 * @param action     {@link HistoryEntry#SWITCH}, {@link HistoryEntry#ROLLBACK}, {@link HistoryEntry#AUTO_REVERT} or
 *                   {@link HistoryEntry#ADOPT}
 * @param approvedBy who approved it, or null
 * @param buildUrl   the build that does it, or null
 * @param reason     an auto-revert's reason (the failing pods), else null
 * @param guard      the revision a person approved, which the target must still run — checked before every attempt,
 *                   re-checked after the write and recorded — or null
 */
record TrafficChange(String action, String approvedBy, String buildUrl, String reason, ApprovedRevisionGuard guard) {

    /** A change with no reason and no approved revision to keep to. */
    static TrafficChange of(String action, String approvedBy, String buildUrl) {
        return new TrafficChange(action, approvedBy, buildUrl, null, null);
    }

    /** The history entry recording this change to {@code target} as {@code view} shows it, at {@code at}. */
    HistoryEntry entry(Color target, DeploymentView view, Instant at, boolean revisionChecked) {
        return HistoryEntry.builder(action, target)
                .revision(view.annotation(StateKeys.REVISION))
                .images(view.images())
                .switchedAt(at)
                .approvedBy(approvedBy)
                .buildUrl(buildUrl)
                .reason(reason)
                .tested(revisionChecked ? guard.approved() : null)
                .build();
    }
}
