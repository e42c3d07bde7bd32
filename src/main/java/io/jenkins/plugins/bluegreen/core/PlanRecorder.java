package io.jenkins.plugins.bluegreen.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The dry-run mode of one engine: {@link Cluster} sends every write with {@code dryRun=All} and records it here, and
 * the waits that only a real write could end record the step they stand for instead of waiting. Thread-safe.
 */
final class PlanRecorder {
    private final List<PlannedWrite> writes = new ArrayList<>();
    private final List<String> then = new ArrayList<>();

    synchronized void write(PlannedWrite write) {
        writes.add(write);
    }

    synchronized void then(String step) {
        then.add(step);
    }

    synchronized Plan plan() {
        return new Plan(writes, then);
    }
}
