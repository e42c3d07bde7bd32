package io.jenkins.plugins.bluegreen.kubesim;

import java.time.Duration;

/**
 * Timing of the simulated cluster. Immutable.
 *
 * @param readyDelay how long a normal pod takes from creation to Ready
 * @param specSecond wall-clock length of one second in spec fields (minReadySeconds,
 *     progressDeadlineSeconds); shorter than a second makes deadline tests fast
 */
record SimSettings(Duration readyDelay, Duration specSecond) {

    Duration specSeconds(long seconds) {
        return specSecond.multipliedBy(seconds);
    }
}
