package io.jenkins.plugins.bluegreen.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Builds an RFC 6902 JSON patch. The API server applies one to the object as it is when the patch arrives, all or
 * nothing: a failing {@code test} (or a {@code remove} of a missing path) refuses the whole patch with 422 — which is
 * what lets a single request both check and change an object without reading it first.
 */
final class JsonPatchOps {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final ArrayNode ops = MAPPER.createArrayNode();

    JsonPatchOps test(String path, String value) {
        ops.addObject().put("op", "test").put("path", path).put("value", value);
        return this;
    }

    JsonPatchOps add(String path, String value) {
        ops.addObject().put("op", "add").put("path", path).put("value", value);
        return this;
    }

    JsonPatchOps add(String path, long value) {
        ops.addObject().put("op", "add").put("path", path).put("value", value);
        return this;
    }

    JsonPatchOps replace(String path, String value) {
        ops.addObject().put("op", "replace").put("path", path).put("value", value);
        return this;
    }

    JsonPatchOps remove(String path) {
        ops.addObject().put("op", "remove").put("path", path);
        return this;
    }

    /** The pointer to annotation {@code key} (RFC 6901 escapes '~' and '/', which every key of ours contains). */
    static String annotation(String key) {
        return "/metadata/annotations/" + key.replace("~", "~0").replace("/", "~1");
    }

    @Override
    public String toString() {
        return ops.toString();
    }
}
