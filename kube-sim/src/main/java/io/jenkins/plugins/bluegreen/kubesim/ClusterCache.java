package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The controllers' view of the store: typed copies of the kinds they manage, updated inside the
 * store's write lock so that, once a controller's own write returns, the cache already shows it
 * (a controller never acts twice on a stale picture of its own work).
 *
 * <p>Cached objects are shared: callers must copy ({@link Serialization#clone}) before changing.
 */
final class ClusterCache {

    private static final Map<String, Class<? extends HasMetadata>> TYPES = Map.of(
            "/namespaces", Namespace.class,
            "/pods", Pod.class,
            "/services", Service.class,
            "/endpoints", Endpoints.class,
            "apps/deployments", Deployment.class,
            "apps/replicasets", ReplicaSet.class,
            "discovery.k8s.io/endpointslices", EndpointSlice.class);

    /** kind → namespace ("" for cluster-scoped) → name → object. */
    private final Map<String, Map<String, Map<String, HasMetadata>>> objects = new ConcurrentHashMap<>();

    /** Applies a store change; returns false for kinds the cache does not keep. */
    boolean apply(StoreEvent e) {
        String kindKey = e.group() + "/" + e.plural();
        Class<? extends HasMetadata> type = TYPES.get(kindKey);
        if (type == null) {
            return false;
        }
        String ns = e.namespace() == null ? "" : e.namespace();
        Map<String, HasMetadata> byName = objects.computeIfAbsent(kindKey, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(ns, k -> new ConcurrentHashMap<>());
        if (e.type().equals("DELETED")) {
            byName.remove(e.name());
        } else {
            try {
                byName.put(e.name(), Json.mapper().treeToValue(e.object(), type));
            } catch (JsonProcessingException ex) {
                byName.remove(e.name());
            }
        }
        return true;
    }

    void clear() {
        objects.clear();
    }

    private Map<String, HasMetadata> in(String kindKey, String namespace) {
        return objects.getOrDefault(kindKey, Map.of()).getOrDefault(namespace == null ? "" : namespace, Map.of());
    }

    private <T extends HasMetadata> List<T> list(String kindKey, Class<T> type, String namespace) {
        List<T> out = new ArrayList<>();
        in(kindKey, namespace).values().forEach(o -> out.add(type.cast(o)));
        return out;
    }

    private <T extends HasMetadata> Optional<T> get(String kindKey, Class<T> type, String namespace, String name) {
        return Optional.ofNullable(in(kindKey, namespace).get(name)).map(type::cast);
    }

    /** How many pods a namespace has, without listing them. */
    int podCount(String ns) {
        return in("/pods", ns).size();
    }

    /** Every Service in every namespace. */
    List<Service> allServices() {
        List<Service> out = new ArrayList<>();
        objects.getOrDefault("/services", Map.of()).values().forEach(m -> m.values()
                .forEach(s -> out.add((Service) s)));
        return out;
    }

    Optional<Namespace> namespace(String name) {
        return get("/namespaces", Namespace.class, null, name);
    }

    Optional<Deployment> deployment(String ns, String name) {
        return get("apps/deployments", Deployment.class, ns, name);
    }

    Optional<ReplicaSet> replicaSet(String ns, String name) {
        return get("apps/replicasets", ReplicaSet.class, ns, name);
    }

    List<ReplicaSet> replicaSets(String ns) {
        return list("apps/replicasets", ReplicaSet.class, ns);
    }

    Optional<Pod> pod(String ns, String name) {
        return get("/pods", Pod.class, ns, name);
    }

    List<Pod> pods(String ns) {
        return list("/pods", Pod.class, ns);
    }

    Optional<Service> service(String ns, String name) {
        return get("/services", Service.class, ns, name);
    }

    List<Service> services(String ns) {
        return list("/services", Service.class, ns);
    }

    Optional<Endpoints> endpoints(String ns, String name) {
        return get("/endpoints", Endpoints.class, ns, name);
    }

    List<EndpointSlice> endpointSlices(String ns) {
        return list("discovery.k8s.io/endpointslices", EndpointSlice.class, ns);
    }

    /** Every cached object in a namespace (namespace deletion cascades over these). */
    List<HasMetadata> allIn(String ns) {
        List<HasMetadata> out = new ArrayList<>();
        objects.values().forEach(m -> out.addAll(m.getOrDefault(ns, Map.of()).values()));
        return out;
    }
}
