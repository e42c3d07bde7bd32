package io.jenkins.plugins.bluegreen.kubesim;

import java.util.List;

/**
 * One kind of object the simulated API serves: what discovery advertises for it and how the
 * front server routes it. Immutable.
 *
 * @param group        API group, "" for the core group
 * @param plural       path segment, e.g. {@code deployments}; {@code singular} and {@code shortNames}
 *                     ({@code deploy}) are the other names kubectl accepts
 * @param subresources subresources served, e.g. {@code status}, {@code scale}
 */
record ResourceType(
        String group,
        String version,
        String plural,
        String singular,
        String kind,
        boolean namespaced,
        List<String> shortNames,
        List<String> subresources) {

    static final List<String> VERBS =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    ResourceType {
        shortNames = List.copyOf(shortNames);
        subresources = List.copyOf(subresources);
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    boolean hasStatus() {
        return subresources.contains("status");
    }

    boolean hasScale() {
        return subresources.contains("scale");
    }

    /** The collection path in a namespace (or cluster-wide path for cluster-scoped kinds). */
    String collectionPath(String namespace) {
        String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        return namespaced ? prefix + "/namespaces/" + namespace + "/" + plural : prefix + "/" + plural;
    }

    String objectPath(String namespace, String name) {
        return collectionPath(namespace) + "/" + name;
    }
}
