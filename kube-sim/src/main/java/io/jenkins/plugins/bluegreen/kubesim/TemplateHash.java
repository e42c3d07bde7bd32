package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The {@code pod-template-hash} of a Deployment's pod template: equal templates give equal
 * hashes whatever the order of their map keys, so re-applying a template reuses its ReplicaSet
 * (which is also how a rollback to an earlier template finds the old ReplicaSet).
 */
final class TemplateHash {

    // the alphabet Kubernetes uses for generated names: no vowels, no look-alike characters
    private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final ObjectMapper canonical =
            Json.mapper().copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    String of(PodTemplateSpec template) {
        JsonNode tree = canonical.valueToTree(template);
        if (tree.path("metadata").path("labels") instanceof ObjectNode labels) {
            labels.remove(DeploymentController.HASH_LABEL);
        }
        try {
            // nulls and empty objects carry no meaning (kubectl rollout undo sends creationTimestamp: null)
            Object normal = canonical.convertValue(withoutEmpty(tree), Map.class);
            byte[] bytes = canonical.writeValueAsString(normal).getBytes(StandardCharsets.UTF_8);
            int h = 0x811c9dc5;
            for (byte b : bytes) {
                h ^= b & 0xff;
                h *= 0x01000193;
            }
            long v = h & 0xffffffffL;
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 9; i++) {
                out.append(ALPHABET.charAt((int) (v % ALPHABET.length())));
                v /= ALPHABET.length();
            }
            return out.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode withoutEmpty(JsonNode node) {
        if (node instanceof ObjectNode o) {
            ObjectNode out = o.objectNode();
            o.properties().forEach(e -> {
                JsonNode v = withoutEmpty(e.getValue());
                if (!v.isNull() && !(v.isObject() && v.isEmpty())) {
                    out.set(e.getKey(), v);
                }
            });
            return out;
        }
        if (node instanceof ArrayNode a) {
            ArrayNode out = a.arrayNode();
            a.forEach(v -> out.add(withoutEmpty(v)));
            return out;
        }
        return node;
    }
}
