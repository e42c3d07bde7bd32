package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;

/** {@code get} and {@code list}: lists get their proper kind and the selectors the store lacks; Tables on request. */
final class GetHandler implements VerbHandler {

    private final SimStore store;
    private final Tables tables;

    GetHandler(SimStore store, Tables tables) {
        this.store = store;
        this.tables = tables;
    }

    @Override
    public Reply handle(Exchange ex, ApiPath p, ResourceType type) {
        // field selectors are applied here: the store knows metadata.* only, kubectl also selects on
        // other fields (describe: events by involvedObject.*)
        String query = ex.query().replaceAll("(^|&)fieldSelector=[^&]*", "");
        SimStore.Reply reply =
                store.call(HttpMethod.GET, query.isEmpty() ? ex.path() : ex.path() + "?" + query, null, null);
        if (EventViews.GROUP.equals(p.group()) && p.plural().equals("events")) {
            reply = withCoreEvents(ex.path(), query, p, reply);
        }
        if (!reply.ok()) {
            return Reply.fromStore(p, reply);
        }
        String body = reply.body();
        if (p.isCollection()) {
            body = fixList(
                    body,
                    type,
                    LabelSelector.parse(ex.params().get("labelSelector")),
                    FieldSelector.parse(ex.params().get("fieldSelector")));
        }
        if (Tables.wanted(ex.header("Accept")) && type != null) {
            return Reply.json(200, tables.render(type, Json.parse(body)));
        }
        return Reply.json(200, body);
    }

    /** events.k8s.io/v1 also shows the core/v1 events, one object served in both versions. */
    private SimStore.Reply withCoreEvents(String path, String query, ApiPath p, SimStore.Reply own) {
        String core = EventViews.corePath(path) + (query.isEmpty() ? "" : "?" + query);
        SimStore.Reply coreReply = store.call(HttpMethod.GET, core, null, null);
        if (!coreReply.ok()) {
            return own;
        }
        JsonNode found = Json.parse(coreReply.body());
        if (!p.isCollection()) {
            return own.ok()
                    ? own
                    : new SimStore.Reply(200, EventViews.toEventsV1(found).toString());
        }
        if (!own.ok()) {
            return own;
        }
        ObjectNode list = (ObjectNode) Json.parse(own.body());
        ArrayNode items = list.withArrayProperty("items");
        found.path("items").forEach(e -> items.add(EventViews.toEventsV1(e)));
        return new SimStore.Reply(200, list.toString());
    }

    /** The store says {@code kind: List}; clients expect {@code PodList}. Set-based and field selectors are applied here. */
    private String fixList(String body, ResourceType type, LabelSelector selector, FieldSelector fields) {
        ObjectNode list = (ObjectNode) Json.parse(body);
        if (type != null) {
            list.put("apiVersion", type.apiVersion()).put("kind", type.kind() + "List");
        }
        ((ObjectNode) list.path("metadata")).remove("selfLink");
        if ((selector.isSetBased() || !fields.isEmpty()) && list.get("items") instanceof ArrayNode items) {
            for (int i = items.size() - 1; i >= 0; i--) {
                if (!selector.matches(SimStore.labels(items.get(i))) || !fields.matches(items.get(i))) {
                    items.remove(i);
                }
            }
        }
        return list.toString();
    }
}
