package io.jenkins.plugins.bluegreen.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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

    /**
     * Builds an RFC 7386 JSON merge patch: it sets the values given and leaves every other field alone, creating the
     * annotations map when the object has none (a JSON patch's {@code add} would be refused there). It tests nothing.
     */
    static final class Merge {
        private final ObjectNode patch = MAPPER.createObjectNode();

        /** Sets annotation {@code key} to {@code value} (never null: the store would keep a null). */
        Merge annotation(String key, String value) {
            patch.withObjectProperty("metadata")
                    .withObjectProperty("annotations")
                    .put(key, value);
            return this;
        }

        @Override
        public String toString() {
            return patch.toString();
        }
    }
}
