package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * The JSON and YAML mappers kube-sim uses: the same ones fabric8's CRUD store uses, so objects
 * are parsed and printed identically on both sides of the store. (fabric8 deprecates the static
 * accessors in favour of per-client instances; the store still uses them.)
 */
final class Json {

    private Json() {}

    @SuppressWarnings("deprecation")
    static ObjectMapper mapper() {
        return Serialization.jsonMapper();
    }

    @SuppressWarnings("deprecation")
    static ObjectMapper yaml() {
        return Serialization.yamlMapper();
    }

    /** The JSON in {@code body}; null when there is none or it is not JSON. */
    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper().readTree(body);
        } catch (Exception e) {
            return null;
        }
    }

    /** A JSON or YAML object (server-side apply bodies and hand-written requests); null otherwise. */
    static ObjectNode parseObject(String body) {
        JsonNode n = parse(body);
        if (n == null && body != null && !body.isBlank()) {
            try {
                n = yaml().readTree(body);
            } catch (Exception e) {
                return null;
            }
        }
        return n instanceof ObjectNode o ? o : null;
    }
}
