package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;

/**
 * Undo the last release. See {@link BlueGreen#rollback} for how it decides between switching back and abandoning.
 *
 * @param holder       lock holder identity; required
 * @param takeOverLock take the lock from another holder (with a warning naming them) instead of failing
 * @param timeout      how long a scaled-down previous colour may take to become ready again
 */
public record RollbackRequest(
        String app,
        String service,
        String holder,
        boolean takeOverLock,
        String approvedBy,
        String buildUrl,
        Duration lockWait,
        Duration timeout) {

    public static Builder builder(String app) {
        return new Builder(app);
    }

    public static final class Builder {
        private final String app;
        private String service;
        private String holder;
        private boolean takeOverLock;
        private String approvedBy;
        private String buildUrl;
        private Duration lockWait = Duration.ZERO;
        private Duration timeout = DeployRequest.DEFAULT_TIMEOUT;

        private Builder(String app) {
            this.app = app;
        }

        public Builder service(String name) {
            this.service = name;
            return this;
        }

        public Builder holder(String holder) {
            this.holder = holder;
            return this;
        }

        public Builder takeOverLock(boolean takeOver) {
            this.takeOverLock = takeOver;
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

        public Builder lockWait(Duration wait) {
            this.lockWait = wait;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public RollbackRequest build() {
            return new RollbackRequest(app, service, holder, takeOverLock, approvedBy, buildUrl, lockWait, timeout);
        }
    }
}
