package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/**
 * What a dry run found it would do: the writes in order, each validated by the API server ({@code dryRun=All}) and
 * none stored, then the steps that would follow them and cannot be tried without the writes (waiting for a rollout,
 * for the Service's endpoints, for a scale-down to come due).
 */
public record Plan(List<PlannedWrite> writes, List<String> then) {
    public Plan {
        writes = List.copyOf(writes);
        then = List.copyOf(then);
    }

    /** The plan as people read it, one write per block. */
    public String render() {
        StringBuilder out = new StringBuilder();
        if (writes.isEmpty()) {
            out.append("no writes: nothing to change\n");
        }
        int n = 1;
        for (PlannedWrite w : writes) {
            out.append(n++).append(". ").append(w.target()).append('\n');
            for (String change : w.changes()) {
                out.append("     ").append(change).append('\n');
            }
            if (w.guard() != null) {
                out.append("     guard: ").append(w.guard()).append('\n');
            }
        }
        for (String step : then) {
            out.append("then: ").append(step).append('\n');
        }
        return out.toString();
    }
}
