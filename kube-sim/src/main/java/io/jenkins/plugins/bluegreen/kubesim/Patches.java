package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Patch semantics the CRUD store lacks. JSON merge patch follows RFC 7386 (null deletes a key;
 * the store would keep a null). Strategic merge patch, which kubectl apply/patch/scale send by
 * default, is approximated: merge patch, plus lists of known Kubernetes types merged by their
 * merge key (containers by name, ports by port, ...), plus the {@code $patch},
 * {@code $setElementOrder} and {@code $deleteFromPrimitiveList} directives. Unlike Kubernetes,
 * the merge keys are looked up by field name, not by the object's schema.
 */
final class Patches {

    private static final Map<String, String> MERGE_KEYS = Map.ofEntries(
            Map.entry("containers", "name"),
            Map.entry("initContainers", "name"),
            Map.entry("ephemeralContainers", "name"),
            Map.entry("env", "name"),
            Map.entry("volumes", "name"),
            Map.entry("volumeMounts", "mountPath"),
            Map.entry("volumeDevices", "devicePath"),
            Map.entry("imagePullSecrets", "name"),
            Map.entry("conditions", "type"),
            Map.entry("ownerReferences", "uid"),
            Map.entry("hostAliases", "ip"),
            Map.entry("topologySpreadConstraints", "topologyKey"));

    private Patches() {}

    /** RFC 7386 JSON merge patch; returns the patched document (the target is not modified). */
    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode out = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : ((ObjectNode) patch).objectNode();
        patch.properties().forEach(e -> {
            if (e.getValue().isNull()) {
                out.remove(e.getKey());
            } else {
                out.set(e.getKey(), merge(out.get(e.getKey()), e.getValue()));
            }
        });
        return out;
    }

    /** Strategic merge patch, approximated as described on the class. */
    static JsonNode strategic(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        String directive = patch.path("$patch").asText("");
        if (directive.equals("replace")) {
            ObjectNode replaced = ((ObjectNode) patch).deepCopy();
            replaced.remove("$patch");
            return replaced;
        }
        ObjectNode out = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy()
                : ((ObjectNode) patch).objectNode();
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (key.startsWith("$setElementOrder/") || key.equals("$retainKeys") || key.equals("$patch")) {
                continue;
            }
            if (key.startsWith("$deleteFromPrimitiveList/")) {
                String field = key.substring(key.indexOf('/') + 1);
                if (out.get(field) instanceof ArrayNode list) {
                    for (int i = list.size() - 1; i >= 0; i--) {
                        for (JsonNode del : value) {
                            if (list.get(i).equals(del)) {
                                list.remove(i);
                                break;
                            }
                        }
                    }
                }
                continue;
            }
            if (value.isNull() || value.path("$patch").asText("").equals("delete")) {
                out.remove(key);
            } else if (value.isArray()
                    && out.get(key) != null
                    && out.get(key).isArray()
                    && mergeKey(key, value) != null) {
                out.set(key, mergeList((ArrayNode) out.get(key), (ArrayNode) value, mergeKey(key, value)));
            } else if (value.isObject()) {
                out.set(key, strategic(out.get(key), value));
            } else if (value.isArray()) {
                out.set(key, stripDirectives((ArrayNode) value));
            } else {
                out.set(key, value.deepCopy());
            }
        }
        return out;
    }

    private static String mergeKey(String field, JsonNode patchList) {
        if (field.equals("ports")) {
            for (JsonNode el : patchList) {
                if (el.has("containerPort")) {
                    return "containerPort";
                }
                if (el.has("port")) {
                    return "port";
                }
            }
            return null;
        }
        return MERGE_KEYS.get(field);
    }

    private static ArrayNode mergeList(ArrayNode target, ArrayNode patch, String mergeKey) {
        if (patch.size() == 1 && patch.get(0).path("$patch").asText("").equals("replace")) {
            return patch.arrayNode();
        }
        List<JsonNode> items = new ArrayList<>();
        target.forEach(items::add);
        for (JsonNode el : patch) {
            JsonNode keyValue = el.get(mergeKey);
            int index = -1;
            for (int i = 0; i < items.size(); i++) {
                if (keyValue != null && keyValue.equals(items.get(i).get(mergeKey))) {
                    index = i;
                    break;
                }
            }
            if (el.path("$patch").asText("").equals("delete")) {
                if (index >= 0) {
                    items.remove(index);
                }
            } else if (index >= 0) {
                items.set(index, strategic(items.get(index), el));
            } else {
                items.add(strategic(null, el));
            }
        }
        ArrayNode out = patch.arrayNode();
        items.forEach(out::add);
        return out;
    }

    private static ArrayNode stripDirectives(ArrayNode list) {
        ArrayNode out = list.arrayNode();
        for (JsonNode el : list) {
            out.add(el.isObject() ? strategic(null, el) : el.deepCopy());
        }
        return out;
    }
}
