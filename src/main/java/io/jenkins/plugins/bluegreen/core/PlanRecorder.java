package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The dry-run mode of one engine: {@link Cluster} sends every write with {@code dryRun=All} and records it here, and
 * the waits that only a real write could end record the step they stand for instead of waiting; what was waited for
 * is then read as healthy. Thread-safe.
 */
final class PlanRecorder {
    private final List<PlannedWrite> writes = new ArrayList<>();
    private final List<String> then = new ArrayList<>();
    private final List<Integer> thenAfter = new ArrayList<>();
    /** Deployments this run wrote and then would have waited for, by name, as they would be once healthy. */
    private final Map<String, Deployment> healthy = new HashMap<>();

    synchronized void write(PlannedWrite write) {
        writes.add(write);
    }

    synchronized void then(String step) {
        then.add(step);
        thenAfter.add(writes.size());
    }

    /**
     * A wait for {@code deployment} was planned: later reads in this run see it as it would be once healthy, so an
     * operation that writes, waits, then acts on what it wrote (adoption, a rollback that scales up) plans the rest.
     */
    synchronized void healthy(Deployment deployment) {
        Deployment copy = new DeploymentBuilder(deployment).build();
        int replicas = new DeploymentView(copy).desiredReplicas();
        copy.setStatus(new DeploymentStatusBuilder()
                .withObservedGeneration(copy.getMetadata().getGeneration())
                .withReplicas(replicas)
                .withUpdatedReplicas(replicas)
                .withReadyReplicas(replicas)
                .withAvailableReplicas(replicas)
                .build());
        healthy.put(copy.getMetadata().getName(), copy);
    }

    synchronized Optional<Deployment> healthy(String name) {
        return Optional.ofNullable(healthy.get(name)).map(d -> new DeploymentBuilder(d).build());
    }

    synchronized Plan plan() {
        return new Plan(writes, then, thenAfter);
    }
}
