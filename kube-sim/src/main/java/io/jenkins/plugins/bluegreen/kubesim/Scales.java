package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** The {@code autoscaling/v1 Scale} view of a Deployment or ReplicaSet. */
final class Scales {

    private Scales() {}

    static ObjectNode of(ObjectNode target) {
        ObjectNode scale = Json.mapper().createObjectNode();
        scale.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
        JsonNode meta = target.path("metadata");
        ObjectNode m = scale.putObject("metadata");
        for (String f : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (meta.has(f)) {
                m.set(f, meta.get(f));
            }
        }
        scale.putObject("spec")
                .put("replicas", target.path("spec").path("replicas").asInt(1));
        List<String> selector = new ArrayList<>();
        target.path("spec")
                .path("selector")
                .path("matchLabels")
                .properties()
                .forEach(e -> selector.add(e.getKey() + "=" + e.getValue().asText()));
        scale.putObject("status")
                .put("replicas", target.path("status").path("replicas").asInt(0))
                .put("selector", String.join(",", selector));
        return scale;
    }
}
