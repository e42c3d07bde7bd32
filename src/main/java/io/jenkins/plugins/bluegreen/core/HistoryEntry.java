package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;
import java.util.List;

/**
 * One traffic change recorded in the live Service's {@code bluegreen.jenkins.io/history} annotation
 * (a JSON array, newest first, bounded by {@link BlueGreenSettings#historyLimit()}).
 *
 * @param action     {@code switch}, {@code rollback} or {@code adopt}
 * @param revision   the revision that went live
 * @param color      the colour that went live
 * @param images     its container images
 * @param switchedAt when the Service was written
 * @param approvedBy who approved it, or null
 * @param buildUrl   the build that did it, or null
 * @param tested     the approved revision the switch was held to (pod-template-hash and image digests), or null
 *                   when it was not told one
 */
public record HistoryEntry(String action, String revision, Color color, List<String> images, Instant switchedAt,
                           String approvedBy, String buildUrl, Revision tested) {
    public static final String SWITCH = "switch";
    public static final String ROLLBACK = "rollback";
    public static final String ADOPT = "adopt";

    public HistoryEntry {
        images = images == null ? List.of() : List.copyOf(images);
    }

    /** An entry without an approved revision (adoption, rollback, a switch not told one). */
    public HistoryEntry(String action, String revision, Color color, List<String> images, Instant switchedAt,
                        String approvedBy, String buildUrl) {
        this(action, revision, color, images, switchedAt, approvedBy, buildUrl, null);
    }
}
