package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;
import java.util.List;

/**
 * One traffic change recorded in the live Service's {@code bluegreen.jenkins.io/history} annotation
 * (a JSON array, newest first, bounded by {@link BlueGreenSettings#historyLimit()}).
 *
 * @param action     {@code switch}, {@code rollback}, {@code auto-revert} (a verified switch undone by the engine) or
 *                   {@code adopt}
 * @param revision   the revision that went live
 * @param color      the colour that went live
 * @param images     its container images
 * @param switchedAt when the Service was written
 * @param approvedBy who approved it, or null
 * @param buildUrl   the build that did it, or null
 * @param reason     why an {@code auto-revert} happened (the failing pods and their reasons), else null
 * @param verifiedAt on a switch that passed its verification window: when it passed ({@code verified}), else null
 * @param tested     the approved revision the switch was held to (pod-template-hash and image digests), or null
 *                   when it was not told one
 */
public record HistoryEntry(
        String action,
        String revision,
        Color color,
        List<String> images,
        Instant switchedAt,
        String approvedBy,
        String buildUrl,
        String reason,
        Instant verifiedAt,
        Revision tested) {
    public static final String SWITCH = "switch";
    public static final String ROLLBACK = "rollback";
    public static final String AUTO_REVERT = "auto-revert";
    public static final String ADOPT = "adopt";

    public HistoryEntry {
        images = images == null ? List.of() : List.copyOf(images);
    }

    /** An entry of {@code action} making {@code color} live; every other component is set on the builder. */
    public static Builder builder(String action, Color color) {
        return new Builder(action, color);
    }

    /**
     * Whether this traffic change undid the release before it — a person's rollback or the engine's auto-revert —
     * so the idle colour now holds a release taken out of service, which goes live again only by name.
     */
    public boolean undidRelease() {
        return ROLLBACK.equals(action) || AUTO_REVERT.equals(action);
    }

    /** This entry marked as having passed its verification window at {@code at}. */
    HistoryEntry verified(Instant at) {
        return new HistoryEntry(action, revision, color, images, switchedAt, approvedBy, buildUrl, reason, at, tested);
    }

    /** Names each component of an entry; unset ones are null (images: none). */
    public static final class Builder {
        private final String action;
        private final Color color;
        private String revision;
        private List<String> images;
        private Instant switchedAt;
        private String approvedBy;
        private String buildUrl;
        private String reason;
        private Instant verifiedAt;
        private Revision tested;

        private Builder(String action, Color color) {
            this.action = action;
            this.color = color;
        }

        public Builder revision(String revision) {
            this.revision = revision;
            return this;
        }

        public Builder images(List<String> images) {
            this.images = images;
            return this;
        }

        public Builder switchedAt(Instant at) {
            this.switchedAt = at;
            return this;
        }

        public Builder approvedBy(String who) {
            this.approvedBy = who;
            return this;
        }

        public Builder buildUrl(String url) {
            this.buildUrl = url;
            return this;
        }

        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        public Builder verifiedAt(Instant at) {
            this.verifiedAt = at;
            return this;
        }

        public Builder tested(Revision revision) {
            this.tested = revision;
            return this;
        }

        public HistoryEntry build() {
            return new HistoryEntry(
                    action, revision, color, images, switchedAt, approvedBy, buildUrl, reason, verifiedAt, tested);
        }
    }
}
