package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.Endpoints;
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

  private final Map<String, Map<String, HasMetadata>> objects = new ConcurrentHashMap<>();

  /** Applies a store change; returns false for kinds the cache does not keep. */
  boolean apply(StoreEvent e) {
    String kindKey = e.group() + "/" + e.plural();
    Class<? extends HasMetadata> type = TYPES.get(kindKey);
    if (type == null) {
      return false;
    }
    Map<String, HasMetadata> byKey = objects.computeIfAbsent(kindKey, k -> new ConcurrentHashMap<>());
    if (e.type().equals("DELETED")) {
      byKey.remove(e.key());
    } else {
      try {
        byKey.put(e.key(), Serialization.jsonMapper().treeToValue(e.object(), type));
      } catch (JsonProcessingException ex) {
        byKey.remove(e.key());
      }
    }
    return true;
  }

  void clear() {
    objects.clear();
  }

  private <T extends HasMetadata> List<T> list(String kindKey, Class<T> type, String namespace) {
    List<T> out = new ArrayList<>();
    for (HasMetadata o : objects.getOrDefault(kindKey, Map.of()).values()) {
      if (namespace == null || namespace.equals(o.getMetadata().getNamespace())) {
        out.add(type.cast(o));
      }
    }
    return out;
  }

  private <T extends HasMetadata> Optional<T> get(String kindKey, Class<T> type, String namespace, String name) {
    return Optional.ofNullable(objects.getOrDefault(kindKey, Map.of())
        .get((namespace == null ? "" : namespace) + "/" + name)).map(type::cast);
  }

  Optional<Namespace> namespace(String name) {
    return get("/namespaces", Namespace.class, null, name);
  }

  List<Namespace> namespaces() {
    return list("/namespaces", Namespace.class, null);
  }

  Optional<Deployment> deployment(String ns, String name) {
    return get("apps/deployments", Deployment.class, ns, name);
  }

  List<Deployment> deployments(String ns) {
    return list("apps/deployments", Deployment.class, ns);
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
    objects.values().forEach(m -> m.values().stream()
        .filter(o -> ns.equals(o.getMetadata().getNamespace())).forEach(out::add));
    return out;
  }
}
