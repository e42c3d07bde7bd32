package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Naming and policy knobs, the same for every app a {@link BlueGreen} handles (defaults and why: docs/architecture.md).
 *
 * @param colorLabelKey         carries the colour on Deployments, pods and the Service selector
 * @param deploymentNamePattern a colour's Deployment name; {@code {app}} and {@code {color}} are replaced
 * @param versionLabelKeys      selector keys naming a version, not the app: adoption drops them from the selector
 * @param scaleDownDelay        how long the old colour runs after a switch; {@link Duration#ZERO} = until the next deploy
 * @param leaseDuration         how long the per-app lock stays valid without renewal; an expired lock can be taken
 * @param endpointsTimeout      how long a selector write waits for the endpoints to reach exactly the target's ready pods
 */
public record BlueGreenSettings(
        String colorLabelKey,
        String deploymentNamePattern,
        Set<String> versionLabelKeys,
        Duration scaleDownDelay,
        int historyLimit,
        Duration leaseDuration,
        Duration endpointsTimeout) {

    public static final String DEFAULT_COLOR_LABEL_KEY = "bluegreen.jenkins.io/color";
    public static final String DEFAULT_DEPLOYMENT_NAME_PATTERN = "{app}-{color}";
    public static final Set<String> DEFAULT_VERSION_LABEL_KEYS = Set.of("version", "app.kubernetes.io/version");
    public static final Duration DEFAULT_SCALE_DOWN_DELAY = Duration.ofSeconds(30);
    public static final int DEFAULT_HISTORY_LIMIT = 10;
    public static final Duration DEFAULT_LEASE_DURATION = Duration.ofMinutes(30);
    public static final Duration DEFAULT_ENDPOINTS_TIMEOUT = Duration.ofSeconds(30);

    public BlueGreenSettings {
        Objects.requireNonNull(colorLabelKey, "colorLabelKey");
        Objects.requireNonNull(deploymentNamePattern, "deploymentNamePattern");
        versionLabelKeys = Set.copyOf(versionLabelKeys);
        Objects.requireNonNull(scaleDownDelay, "scaleDownDelay");
        Objects.requireNonNull(leaseDuration, "leaseDuration");
        if (!deploymentNamePattern.contains("{app}") || !deploymentNamePattern.contains("{color}")) {
            throw new InvalidInputException(
                    "deploymentNamePattern",
                    "'" + deploymentNamePattern + "' lacks {app} or {color}",
                    "use a pattern such as {app}-{color}");
        }
        if (scaleDownDelay.isNegative()) {
            throw new InvalidInputException(
                    "scaleDownDelay", "is negative", "use 0 to keep the old colour, or a positive delay");
        }
        if (historyLimit < 1) {
            throw new InvalidInputException("historyLimit", "is " + historyLimit, "use 1 or more");
        }
        if (endpointsTimeout == null || endpointsTimeout.isNegative() || endpointsTimeout.isZero()) {
            throw new InvalidInputException("endpointsTimeout", "is not positive", "use a positive duration, e.g. 30s");
        }
        if (leaseDuration.isNegative() || leaseDuration.isZero()) {
            throw new InvalidInputException("leaseDuration", "is not positive", "use a positive duration, e.g. 30m");
        }
    }

    public static BlueGreenSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .colorLabelKey(colorLabelKey)
                .deploymentNamePattern(deploymentNamePattern)
                .versionLabelKeys(versionLabelKeys)
                .scaleDownDelay(scaleDownDelay)
                .historyLimit(historyLimit)
                .leaseDuration(leaseDuration)
                .endpointsTimeout(endpointsTimeout);
    }

    /** Name of the Deployment that runs {@code color} of {@code app}, e.g. {@code myapp-green}. */
    public String deploymentName(String app, Color color) {
        return deploymentNamePattern.replace("{app}", app).replace("{color}", color.label());
    }

    /** Name of the per-app lock Lease: {@code <app>-bluegreen}. */
    public String leaseName(String app) {
        return app + "-bluegreen";
    }

    public static final class Builder {
        private String colorLabelKey = DEFAULT_COLOR_LABEL_KEY;
        private String deploymentNamePattern = DEFAULT_DEPLOYMENT_NAME_PATTERN;
        private Set<String> versionLabelKeys = DEFAULT_VERSION_LABEL_KEYS;
        private Duration scaleDownDelay = DEFAULT_SCALE_DOWN_DELAY;
        private int historyLimit = DEFAULT_HISTORY_LIMIT;
        private Duration leaseDuration = DEFAULT_LEASE_DURATION;
        private Duration endpointsTimeout = DEFAULT_ENDPOINTS_TIMEOUT;

        private Builder() {}

        public Builder colorLabelKey(String key) {
            this.colorLabelKey = key;
            return this;
        }

        public Builder deploymentNamePattern(String pattern) {
            this.deploymentNamePattern = pattern;
            return this;
        }

        public Builder versionLabelKeys(Set<String> keys) {
            this.versionLabelKeys = new LinkedHashSet<>(keys);
            return this;
        }

        public Builder scaleDownDelay(Duration delay) {
            this.scaleDownDelay = delay;
            return this;
        }

        public Builder historyLimit(int limit) {
            this.historyLimit = limit;
            return this;
        }

        public Builder leaseDuration(Duration duration) {
            this.leaseDuration = duration;
            return this;
        }

        public Builder endpointsTimeout(Duration timeout) {
            this.endpointsTimeout = timeout;
            return this;
        }

        public BlueGreenSettings build() {
            return new BlueGreenSettings(
                    colorLabelKey,
                    deploymentNamePattern,
                    versionLabelKeys,
                    scaleDownDelay,
                    historyLimit,
                    leaseDuration,
                    endpointsTimeout);
        }
    }
}
