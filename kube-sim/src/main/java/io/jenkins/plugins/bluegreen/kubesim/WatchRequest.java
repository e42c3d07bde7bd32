package io.jenkins.plugins.bluegreen.kubesim;

import java.util.Map;

/**
 * What a watch asks for: the collection, selectors, where to start and how long to run.
 * Immutable.
 *
 * @param namespace null for all namespaces
 * @param name from {@code fieldSelector=metadata.name=x} or a watch on one object, else null
 * @param resourceVersion start after this version; null (or "0") means "send current state first"
 * @param timeoutSeconds end the watch cleanly after this long; null for no limit
 */
record WatchRequest(
        String group,
        String plural,
        String namespace,
        String name,
        LabelSelector labels,
        Long resourceVersion,
        Integer timeoutSeconds) {

    static WatchRequest of(ApiPath path, Map<String, String> params) {
        String name = path.name();
        String namespace = path.namespace();
        String fieldSelector = params.get("fieldSelector");
        if (fieldSelector != null) {
            for (String req : fieldSelector.split(",")) {
                String[] kv = req.split("==?", 2);
                if (kv.length == 2 && kv[0].trim().equals("metadata.name")) {
                    name = kv[1].trim();
                } else if (kv.length == 2 && kv[0].trim().equals("metadata.namespace")) {
                    namespace = kv[1].trim();
                }
            }
        }
        String rv = params.get("resourceVersion");
        Long resourceVersion = rv == null || rv.isEmpty() || rv.equals("0") ? null : Long.valueOf(rv);
        String timeout = params.get("timeoutSeconds");
        return new WatchRequest(
                path.group(),
                path.plural(),
                namespace,
                name,
                LabelSelector.parse(params.get("labelSelector")),
                resourceVersion,
                timeout == null || timeout.isEmpty() ? null : Integer.valueOf(timeout));
    }

    /** The list path whose items are this watch's initial state. */
    String listPath(String version) {
        String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        return prefix + (namespace == null ? "" : "/namespaces/" + namespace) + "/" + plural;
    }

    boolean sameCollection(StoreEvent e) {
        return e.group().equals(group)
                && e.plural().equals(plural)
                && (namespace == null || namespace.equals(e.namespace()))
                && (name == null || name.equals(e.name()));
    }
}
