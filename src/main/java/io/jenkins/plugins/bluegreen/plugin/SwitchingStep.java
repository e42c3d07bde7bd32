package io.jenkins.plugins.bluegreen.plugin;

import java.time.Duration;

/**
 * A step that switches traffic itself (switchTraffic, blueGreenRelease): the parameters of the switch they share,
 * parsed one way, for {@link VerifiedSwitch}.
 */
interface SwitchingStep {

    String getScaleDownDelay();

    /** How long the new live colour is watched after the switch and switched back if it fails; empty or 0 = off. */
    String getVerifyFor();

    /** null = core's default delay. */
    default Duration parsedScaleDownDelay() {
        return DurationParameter.SCALE_DOWN_DELAY.parse(getScaleDownDelay());
    }

    /** Zero = no verification. */
    default Duration parsedVerifyFor() {
        return DurationParameter.VERIFY_FOR.parse(getVerifyFor());
    }
}
