package io.jenkins.plugins.bluegreen.plugin;

import hudson.model.Run;
import java.util.Optional;

/** Finds a build again after a restart by its externalizable id (Jenkins' lookup; tests give their own). */
@FunctionalInterface
interface BuildLookup {

    /** A build as the lock keeper needs it: whether it still runs, and its Run for the credentials' scope. */
    interface Build {
        /** Null offline. */
        Run<?, ?> run();

        boolean isBuilding();
    }

    Optional<Build> find(String externalizableId);

    /** Jenkins' own lookup. */
    static BuildLookup jenkins() {
        return id -> {
            Run<?, ?> run = id == null ? null : Run.fromExternalizableId(id);
            return Optional.ofNullable(run).map(r -> new Build() {
                @Override
                public Run<?, ?> run() {
                    return r;
                }

                @Override
                public boolean isBuilding() {
                    return r.isBuilding();
                }
            });
        };
    }
}
