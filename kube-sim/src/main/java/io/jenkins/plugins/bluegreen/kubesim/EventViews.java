package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A core/v1 Event as {@code events.k8s.io/v1} shows it: the API server keeps one object and serves
 * it in both versions, renaming fields ({@code involvedObject} → {@code regarding}, {@code message}
 * → {@code note}, {@code count} → {@code deprecatedCount}, ...).
 */
final class EventViews {

    static final String GROUP = "events.k8s.io";

    private EventViews() {}

    static ObjectNode toEventsV1(JsonNode core) {
        ObjectNode e = Json.mapper().createObjectNode();
        e.put("apiVersion", GROUP + "/v1").put("kind", "Event");
        e.set("metadata", core.path("metadata").deepCopy());
        copy(core, "eventTime", e, "eventTime");
        copy(core, "series", e, "series");
        String controller = core.path("reportingComponent").asText("");
        e.put(
                "reportingController",
                controller.isEmpty() ? core.path("source").path("component").asText("") : controller);
        String instance = core.path("reportingInstance").asText("");
        e.put(
                "reportingInstance",
                instance.isEmpty() ? core.path("source").path("host").asText("") : instance);
        copy(core, "action", e, "action");
        copy(core, "reason", e, "reason");
        copy(core, "involvedObject", e, "regarding");
        copy(core, "related", e, "related");
        copy(core, "message", e, "note");
        copy(core, "type", e, "type");
        copy(core, "source", e, "deprecatedSource");
        copy(core, "firstTimestamp", e, "deprecatedFirstTimestamp");
        copy(core, "lastTimestamp", e, "deprecatedLastTimestamp");
        copy(core, "count", e, "deprecatedCount");
        return e;
    }

    private static void copy(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.get(field);
        if (v != null && !v.isNull()) {
            to.set(as, v.deepCopy());
        }
    }

    /** The core/v1 path holding the same events as an events.k8s.io/v1 path. */
    static String corePath(String path) {
        return path.replaceFirst("^/apis/" + GROUP + "/v1", "/api/v1");
    }
}
