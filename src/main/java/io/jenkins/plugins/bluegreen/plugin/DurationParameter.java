package io.jenkins.plugins.bluegreen.plugin;

import hudson.util.FormValidation;
import java.time.Duration;

/**
 * The duration parameters several steps take, each with one name, one default and one rule, so a step's parse and
 * its descriptor's form check cannot drift apart between the steps that share the parameter.
 */
enum DurationParameter {
    /** How long to wait for health; must be positive. */
    TIMEOUT("timeout", Duration.ofMinutes(10), true),
    /** How long to wait for another holder's deploy lock; zero = fail at once. */
    LOCK_WAIT("lockWait", Duration.ZERO, false),
    /** Not given (null) = core's default delay; zero = keep the old colour running. */
    SCALE_DOWN_DELAY("scaleDownDelay", null, false),
    /** How long the new live colour is watched after a switch; zero = no verification. */
    VERIFY_FOR("verifyFor", Duration.ZERO, false);

    private final String field;
    private final Duration fallback;
    private final boolean positive;

    DurationParameter(String field, Duration fallback, boolean positive) {
        this.field = field;
        this.fallback = fallback;
        this.positive = positive;
    }

    /** The step's value (already trimmed to null by its setter), or the default when not given. */
    Duration parse(String text) {
        return positive ? StepInput.timeout(field, text, fallback) : StepInput.duration(field, text, fallback);
    }

    /** The Snippet Generator's check of the same value, with the same text the build would fail with. */
    FormValidation check(String value) {
        String text = ClusterStep.trimToNull(value);
        return ClusterStepDescriptor.check(() -> parse(text));
    }
}
