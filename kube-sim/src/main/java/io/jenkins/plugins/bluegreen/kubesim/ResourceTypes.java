package io.jenkins.plugins.bluegreen.kubesim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The fixed catalogue of kinds kube-sim advertises in discovery. Other kinds still round-trip
 * through the store if a client posts them, but kubectl only knows what is listed here.
 */
final class ResourceTypes {

    private final List<ResourceType> all;

    ResourceTypes() {
        all = List.of(
                core("pods", "pod", "Pod", true, List.of("po"), List.of("status", "log")),
                core("services", "service", "Service", true, List.of("svc"), List.of("status")),
                core("endpoints", "endpoints", "Endpoints", true, List.of("ep"), List.of()),
                core("namespaces", "namespace", "Namespace", false, List.of("ns"), List.of("status")),
                core("configmaps", "configmap", "ConfigMap", true, List.of("cm"), List.of()),
                core("secrets", "secret", "Secret", true, List.of(), List.of()),
                core("serviceaccounts", "serviceaccount", "ServiceAccount", true, List.of("sa"), List.of()),
                core("events", "event", "Event", true, List.of("ev"), List.of()),
                core("resourcequotas", "resourcequota", "ResourceQuota", true, List.of("quota"), List.of("status")),
                core("nodes", "node", "Node", false, List.of("no"), List.of("status")),
                new ResourceType(
                        "apps",
                        "v1",
                        "deployments",
                        "deployment",
                        "Deployment",
                        true,
                        List.of("deploy"),
                        List.of("status", "scale")),
                new ResourceType(
                        "apps",
                        "v1",
                        "replicasets",
                        "replicaset",
                        "ReplicaSet",
                        true,
                        List.of("rs"),
                        List.of("status", "scale")),
                new ResourceType(
                        "apps",
                        "v1",
                        "statefulsets",
                        "statefulset",
                        "StatefulSet",
                        true,
                        List.of("sts"),
                        List.of("status", "scale")),
                new ResourceType(
                        "apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, List.of("ds"), List.of("status")),
                new ResourceType("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, List.of(), List.of()),
                new ResourceType("events.k8s.io", "v1", "events", "event", "Event", true, List.of("ev"), List.of()),
                new ResourceType(
                        "discovery.k8s.io",
                        "v1",
                        "endpointslices",
                        "endpointslice",
                        "EndpointSlice",
                        true,
                        List.of(),
                        List.of()),
                new ResourceType(
                        "autoscaling",
                        "v2",
                        "horizontalpodautoscalers",
                        "horizontalpodautoscaler",
                        "HorizontalPodAutoscaler",
                        true,
                        List.of("hpa"),
                        List.of("status")),
                new ResourceType(
                        "autoscaling",
                        "v1",
                        "horizontalpodautoscalers",
                        "horizontalpodautoscaler",
                        "HorizontalPodAutoscaler",
                        true,
                        List.of("hpa"),
                        List.of("status")),
                new ResourceType(
                        "networking.k8s.io",
                        "v1",
                        "ingresses",
                        "ingress",
                        "Ingress",
                        true,
                        List.of("ing"),
                        List.of("status")),
                rbac("roles", "role", "Role", true),
                rbac("rolebindings", "rolebinding", "RoleBinding", true),
                rbac("clusterroles", "clusterrole", "ClusterRole", false),
                rbac("clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false));
    }

    private static ResourceType rbac(String plural, String singular, String kind, boolean namespaced) {
        return new ResourceType(
                "rbac.authorization.k8s.io", "v1", plural, singular, kind, namespaced, List.of(), List.of());
    }

    private static ResourceType core(
            String plural,
            String singular,
            String kind,
            boolean namespaced,
            List<String> shortNames,
            List<String> subresources) {
        return new ResourceType("", "v1", plural, singular, kind, namespaced, shortNames, subresources);
    }

    List<ResourceType> all() {
        return all;
    }

    Optional<ResourceType> find(String group, String version, String plural) {
        return all.stream()
                .filter(t -> t.group().equals(group)
                        && t.version().equals(version)
                        && t.plural().equals(plural))
                .findFirst();
    }

    Optional<ResourceType> findByKind(String apiVersion, String kind) {
        return all.stream()
                .filter(t -> t.apiVersion().equals(apiVersion) && t.kind().equals(kind))
                .findFirst();
    }

    /** Group name → versions served, preferred version first, in catalogue order. */
    Map<String, List<String>> groups() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (ResourceType t : all) {
            if (!t.group().isEmpty()) {
                groups.computeIfAbsent(t.group(), g -> new java.util.ArrayList<>());
                if (!groups.get(t.group()).contains(t.version())) {
                    groups.get(t.group()).add(t.version());
                }
            }
        }
        return groups.entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey, e -> List.copyOf(e.getValue()), (a, b) -> a, LinkedHashMap::new));
    }

    List<ResourceType> inGroupVersion(String group, String version) {
        return all.stream()
                .filter(t -> t.group().equals(group) && t.version().equals(version))
                .toList();
    }
}
