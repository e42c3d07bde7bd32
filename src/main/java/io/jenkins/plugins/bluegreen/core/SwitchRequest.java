package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;

/**
 * Point the live Service at a colour.
 *
 * @param to             the colour to make live; null = the idle colour
 * @param service        null = recorded by deploy, else {@code app}
 * @param approvedBy     recorded in history; may be null
 * @param buildUrl       recorded in history; may be null
 * @param holder         lock holder identity; required (the lock is taken if free, and released afterwards)
 * @param lockWait       how long to wait for another holder's lock
 * @param scaleDownDelay null = the settings' delay; zero = keep the old colour running
 * @param verifyFor      null or zero = off; else how long the new live colour is watched after the switch and
 *                       switched back automatically when it fails ({@link BlueGreen#switchTrafficVerified})
 * @param expectRevision the revision a person approved (what deploy or await returned); the switch refuses, writing
 *                       nothing, when the colour no longer runs it. Null = not checked
 */
public record SwitchRequest(
        String app,
        Color to,
        String service,
        String approvedBy,
        String buildUrl,
        String holder,
        Duration lockWait,
        Duration scaleDownDelay,
        Duration verifyFor,
        Revision expectRevision) {

    /** Whether the switch is to be verified (a window longer than zero). */
    public boolean verifies() {
        return verifyFor != null && !verifyFor.isZero() && !verifyFor.isNegative();
    }

    public static Builder builder(String app) {
        return new Builder(app);
    }

    public static final class Builder {
        private final String app;
        private Color to;
        private String service;
        private String approvedBy;
        private String buildUrl;
        private String holder;
        private Duration lockWait = Duration.ZERO;
        private Duration scaleDownDelay;
        private Duration verifyFor;
        private Revision expectRevision;

        private Builder(String app) {
            this.app = app;
        }

        public Builder to(Color color) {
            this.to = color;
            return this;
        }

        public Builder service(String name) {
            this.service = name;
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

        public Builder holder(String holder) {
            this.holder = holder;
            return this;
        }

        public Builder lockWait(Duration wait) {
            this.lockWait = wait;
            return this;
        }

        public Builder scaleDownDelay(Duration delay) {
            this.scaleDownDelay = delay;
            return this;
        }

        public Builder verifyFor(Duration window) {
            this.verifyFor = window;
            return this;
        }

        public Builder expectRevision(Revision revision) {
            this.expectRevision = revision;
            return this;
        }

        public SwitchRequest build() {
            return new SwitchRequest(
                    app,
                    to,
                    service,
                    approvedBy,
                    buildUrl,
                    holder,
                    lockWait,
                    scaleDownDelay,
                    verifyFor,
                    expectRevision);
        }
    }
}
