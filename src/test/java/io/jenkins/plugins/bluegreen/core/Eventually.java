package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Test-side waiting for a condition the test cannot be notified of (e.g. the sim's open watch count). */
final class Eventually {
    private Eventually() {}

    static void until(Duration max, BooleanSupplier condition) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + max);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
