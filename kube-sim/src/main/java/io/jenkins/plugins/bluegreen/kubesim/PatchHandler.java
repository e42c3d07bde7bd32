package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.zjsonpatch.JsonPatch;
import java.util.Locale;

/**
 * {@code patch}: JSON patch, JSON merge patch, strategic merge patch and server-side apply, each
 * turned into a resourceVersion-guarded replace that is retried internally when the client did not
 * guard it, as the real API server does.
 */
final class PatchHandler implements VerbHandler {

    private final SimStore store;
    private final Defaults defaults;
    private final CreateHandler create;

    PatchHandler(SimStore store, Defaults defaults, CreateHandler create) {
        this.store = store;
        this.defaults = defaults;
        this.create = create;
    }

    @Override
    public Reply handle(Exchange ex, ApiPath p, ResourceType type) {
        DryRun.Option dryRun = DryRun.of(ex);
        if (dryRun.refusal() != null) {
            return dryRun.refusal();
        }
        String contentType = ex.header("Content-Type").toLowerCase(Locale.ROOT);
        boolean jsonPatch = contentType.startsWith("application/json-patch+json");
        boolean merge = contentType.startsWith("application/merge-patch+json");
        boolean strategic = contentType.startsWith("application/strategic-merge-patch+json");
        boolean apply = contentType.startsWith("application/apply-patch");
        if (!merge && !strategic && !apply && !jsonPatch) {
            return Reply.status(
                    415,
                    "the body of the request was in an unknown format - accepted media types include: "
                            + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
                            + "application/strategic-merge-patch+json");
        }
        JsonNode patch = apply ? Json.parseObject(ex.body()) : Json.parse(ex.body());
        if (patch == null || (jsonPatch ? !patch.isArray() : !patch.isObject())) {
            return Reply.status(
                    400, jsonPatch ? "the JSON patch is not an array of operations" : "the patch is not a JSON object");
        }
        boolean guarded =
                jsonPatch ? jsonPatchSetsVersion(patch) : patch.path("metadata").has("resourceVersion");
        for (int attempt = 0; attempt < 10; attempt++) {
            SimStore.Reply current = store.call(HttpMethod.GET, p.objectPath(), null, null);
            if (current.code() == 404 && apply && p.subresource() == null) {
                // server-side apply of a new object: create it
                String collection = p.objectPath().substring(0, p.objectPath().lastIndexOf('/'));
                ApiPath target = ApiPath.parse(collection).orElse(p);
                return create.handle(
                        ex.withTarget("POST", collection, target, "create", patch.toString()), target, type);
            }
            if (!current.ok()) {
                return Reply.fromStore(p, current);
            }
            JsonNode before = Json.parse(current.body());
            ObjectNode merged;
            try {
                merged = (ObjectNode)
                        (jsonPatch
                                ? JsonPatch.apply(patch, before)
                                : merge ? Patches.merge(before, patch) : Patches.strategic(before, patch));
            } catch (RuntimeException e) {
                return Reply.status(422, "the JSON patch could not be applied: " + e.getMessage());
            }
            if (!guarded) {
                merged.withObjectProperty("metadata")
                        .put(
                                "resourceVersion",
                                before.path("metadata").path("resourceVersion").asText());
            }
            if (type != null && p.subresource() == null) {
                try {
                    defaults.onUpdate(type, merged, before);
                } catch (Defaults.InvalidException e) {
                    return Reply.status(422, e.getMessage());
                }
            }
            SimStore.Reply result =
                    store.write(dryRun.dryRun(), HttpMethod.PUT, ex.path(), MediaTypes.JSON, merged.toString());
            if (result.code() == 409 && !guarded) {
                continue; // someone wrote in between: a real API server retries its own read-modify-write too
            }
            return Reply.fromStore(p, result);
        }
        return Reply.status(409, "kube-sim could not apply the patch: too many concurrent writes");
    }

    /** A JSON patch that tests or sets metadata.resourceVersion is guarded: no silent retry on conflict. */
    private static boolean jsonPatchSetsVersion(JsonNode ops) {
        for (JsonNode op : ops) {
            if (op.path("path").asText().equals("/metadata/resourceVersion")) {
                return true;
            }
        }
        return false;
    }
}
