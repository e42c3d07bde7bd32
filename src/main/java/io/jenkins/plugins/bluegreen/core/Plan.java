package io.jenkins.plugins.bluegreen.core;

import java.util.ArrayList;
import java.util.List;

/**
 * What a dry run found it would do: the writes in order, each validated by the API server ({@code dryRun=All}) and
 * none stored, and the steps that would come between and after them but cannot be tried without the writes (waiting
 * for a rollout, for the Service's endpoints, for a scale-down to come due).
 *
 * @param then      the steps, in order
 * @param thenAfter for each step of {@code then}, how many writes come before it
 */
public record Plan(List<PlannedWrite> writes, List<String> then, List<Integer> thenAfter) {
    public Plan {
        writes = List.copyOf(writes);
        then = List.copyOf(then);
        thenAfter = List.copyOf(thenAfter);
        if (thenAfter.size() != then.size()) {
            throw new IllegalArgumentException("one position per step");
        }
    }

    /** Writes and steps in the order they would happen. */
    public List<String> steps() {
        List<String> out = new ArrayList<>();
        int step = 0;
        for (int w = 0; w <= writes.size(); w++) {
            while (step < then.size() && thenAfter.get(step) == w) {
                out.add("then: " + then.get(step++));
            }
            if (w < writes.size()) {
                out.add(writes.get(w).target());
            }
        }
        return out;
    }

    /** The plan as people read it: each write with its changes and guard, the steps between them where they fall. */
    public String render() {
        StringBuilder out = new StringBuilder();
        if (writes.isEmpty()) {
            out.append("no writes: nothing to change\n");
        }
        int step = 0;
        for (int w = 0; w <= writes.size(); w++) {
            while (step < then.size() && thenAfter.get(step) == w) {
                out.append("then: ").append(then.get(step++)).append('\n');
            }
            if (w == writes.size()) {
                break;
            }
            PlannedWrite write = writes.get(w);
            out.append(w + 1).append(". ").append(write.target()).append('\n');
            for (String change : write.changes()) {
                out.append("     ").append(change).append('\n');
            }
            if (write.guard() != null) {
                out.append("     guard: ").append(write.guard()).append('\n');
            }
        }
        return out.toString();
    }
}
