package io.jenkins.plugins.bluegreen.kubesim;

import java.util.List;
import java.util.function.Consumer;

/**
 * Wires the simulated controllers to the store: each change updates the cache, then every
 * controller gets to schedule its reaction on the shared {@link ControllerLoop}.
 */
final class Controllers implements Consumer<StoreEvent> {

    private final ClusterCache cache;
    private final List<Consumer<StoreEvent>> controllers;

    Controllers(
            ClusterCache cache,
            PodLifecycle pods,
            ReplicaSetController replicaSets,
            DeploymentController deployments,
            EndpointsController endpoints,
            GarbageCollector gc) {
        this.cache = cache;
        this.controllers =
                List.of(pods::onEvent, replicaSets::onEvent, deployments::onEvent, endpoints::onEvent, gc::onEvent);
    }

    @Override
    public void accept(StoreEvent e) {
        if (cache.apply(e)) {
            controllers.forEach(c -> c.accept(e));
        }
    }
}
