package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * One change the store applied, as watchers and controllers see it. Immutable by convention:
 * {@code object} is never modified after the event is built.
 *
 * @param type ADDED, MODIFIED or DELETED
 * @param oldLabels labels before the change (empty for ADDED), so a watch whose selector no
 *     longer matches can be told DELETED, as a real API server does
 * @param object the parsed object, for controllers; null in the watch history
 * @param json the object as stored (for DELETED: the last state, with a fresh resourceVersion)
 */
record StoreEvent(
        String type,
        String group,
        String plural,
        String namespace,
        String name,
        Map<String, String> labels,
        Map<String, String> oldLabels,
        ObjectNode object,
        String json,
        long resourceVersion) {

    StoreEvent {
        labels = Map.copyOf(labels);
        oldLabels = Map.copyOf(oldLabels);
    }

    /**
     * The same event without the parsed object, which is what the watch history keeps: watchers
     * only need the JSON, and ten thousand parsed pods would cost hundreds of megabytes.
     */
    StoreEvent withoutTree() {
        return new StoreEvent(type, group, plural, namespace, name, labels, oldLabels, null, json, resourceVersion);
    }

    String key() {
        return (namespace == null ? "" : namespace) + "/" + name;
    }
}
