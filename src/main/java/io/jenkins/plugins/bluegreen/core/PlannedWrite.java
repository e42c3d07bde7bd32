package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/**
 * One write a dry run would make, as the API server admitted it with {@code dryRun=All}.
 *
 * @param verb    {@code create}, {@code update}, {@code patch} or {@code delete}
 * @param kind    e.g. {@code Service}, {@code Deployment}, {@code Lease}
 * @param changes what would change, one {@code field: before → after} per line (the object as stored against the
 *                object as the API server said it would be); empty when nothing would change
 * @param guard   what keeps the write from overwriting someone else's: a resourceVersion, JSON patch {@code test}
 *                operations, "must not exist yet"
 */
public record PlannedWrite(String verb, String kind, String name, List<String> changes, String guard) {
    public PlannedWrite {
        changes = List.copyOf(changes);
    }

    /** {@code patch Service myapp}. */
    public String target() {
        return verb + " " + kind + " " + name;
    }
}
