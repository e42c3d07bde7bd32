package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import java.util.ArrayList;
import java.util.List;

/**
 * Cascading deletion: objects whose owner is gone are deleted (Deployment → ReplicaSets → pods,
 * Service → EndpointSlices), and deleting a namespace deletes everything in it.
 */
final class GarbageCollector {

    /** Kinds whose objects own others in the sim; deleting anything else cascades nowhere. */
    private static final java.util.Set<String> OWNERS =
            java.util.Set.of("deployments", "replicasets", "services", "statefulsets", "daemonsets");

    private final ClusterCache cache;
    private final StoreWriter writer;
    private final SimStore store;
    private final ResourceTypes types;
    private final ControllerLoop loop;

    GarbageCollector(ClusterCache cache, StoreWriter writer, SimStore store, ResourceTypes types, ControllerLoop loop) {
        this.cache = cache;
        this.writer = writer;
        this.store = store;
        this.types = types;
        this.loop = loop;
    }

    /** Called inside the store lock: only schedules work. */
    void onEvent(StoreEvent e) {
        if (!e.type().equals("DELETED")) {
            return;
        }
        String uid = e.object().path("metadata").path("uid").asText();
        if (e.group().isEmpty() && e.plural().equals("namespaces")) {
            loop.schedule(java.time.Duration.ZERO, () -> deleteNamespaceContents(e.name()));
        } else if (e.namespace() != null && OWNERS.contains(e.plural())) {
            loop.schedule(java.time.Duration.ZERO, () -> deleteDependents(e.namespace(), uid));
        }
    }

    private void deleteDependents(String ns, String ownerUid) {
        List<HasMetadata> dependents = new ArrayList<>();
        for (HasMetadata o : cache.allIn(ns)) {
            if (o.getMetadata().getOwnerReferences() != null
                    && o.getMetadata().getOwnerReferences().stream().anyMatch(r -> ownerUid.equals(r.getUid()))) {
                dependents.add(o);
            }
        }
        dependents.forEach(writer::delete);
    }

    private void deleteNamespaceContents(String ns) {
        for (String json : store.allObjects()) {
            try {
                JsonNode o = Json.mapper().readTree(json);
                if (!ns.equals(o.path("metadata").path("namespace").asText())) {
                    continue;
                }
                types.findByKind(o.path("apiVersion").asText(), o.path("kind").asText())
                        .ifPresent(t -> store.call(
                                HttpMethod.DELETE,
                                t.objectPath(ns, o.path("metadata").path("name").asText()),
                                null,
                                null));
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                // not an object we can address; leave it
            }
        }
    }
}
