package io.jenkins.plugins.bluegreen.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a write changes, field by field ({@code spec.selector.bluegreen.jenkins.io/color: blue → green}), for a plan:
 * leaves of the object before against the object as the API server answered the dry run. Server-owned fields
 * (resourceVersion, uid, status, ...) are left out; long values are shortened.
 */
final class ObjectChanges {
    private static final Set<String> SERVER_OWNED = Set.of(
            "metadata.resourceVersion",
            "metadata.uid",
            "metadata.creationTimestamp",
            "metadata.generation",
            "metadata.managedFields",
            "status");
    /** On a create, the fields a reader checks; every other field is the template copied as it was. */
    private static final Pattern CREATE_SHOWS =
            Pattern.compile(".*(replicas|image|selector|annotations|holderIdentity|leaseDurationSeconds).*");

    private static final int MAX_VALUE = 96;

    private ObjectChanges() {}

    static List<String> between(KubernetesSerialization serialization, HasMetadata before, HasMetadata after) {
        Map<String, String> was = before == null ? Map.of() : leaves(serialization, before);
        Map<String, String> now = after == null ? Map.of() : leaves(serialization, after);
        List<String> changes = new ArrayList<>();
        for (String path : new TreeSet<String>() {
            {
                addAll(was.keySet());
                addAll(now.keySet());
            }
        }) {
            String a = was.get(path);
            String b = now.get(path);
            if (Objects.equals(a, b)
                    || (before == null && !CREATE_SHOWS.matcher(path).matches())) {
                continue;
            }
            changes.add(
                    before == null
                            ? path + ": " + shorten(b)
                            : path + ": " + (a == null ? "(none)" : shorten(a)) + " → "
                                    + (b == null ? "(none)" : shorten(b)));
        }
        return changes;
    }

    private static Map<String, String> leaves(KubernetesSerialization serialization, HasMetadata object) {
        Map<String, String> out = new LinkedHashMap<>();
        collect("", serialization.convertValue(object, JsonNode.class), out);
        return out;
    }

    private static void collect(String path, JsonNode node, Map<String, String> out) {
        if (SERVER_OWNED.contains(path) || path.equals("apiVersion") || path.equals("kind")) {
            return;
        }
        if (node.isObject()) {
            node.properties()
                    .forEach(e -> collect(path.isEmpty() ? e.getKey() : path + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(path + "[" + i + "]", node.get(i), out);
            }
        } else if (!node.isNull()) {
            out.put(path, node.asText());
        }
    }

    private static String shorten(String value) {
        String line = Printable.line(value);
        return line.length() <= MAX_VALUE ? line : line.substring(0, MAX_VALUE - 1) + "…";
    }
}
