package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;

/** The {@code scale} subresource: reads and writes spec.replicas through an autoscaling/v1 Scale. */
final class ScaleHandler implements VerbHandler {

    private final SimStore store;

    ScaleHandler(SimStore store) {
        this.store = store;
    }

    @Override
    public Reply handle(Exchange ex, ApiPath p, ResourceType type) {
        if (type == null || !type.hasScale()) {
            return Reply.status(404, "the server could not find the requested resource");
        }
        DryRun.Option dryRun = ex.method().equals("GET") ? new DryRun.Option(false, null) : DryRun.of(ex);
        if (dryRun.refusal() != null) {
            return dryRun.refusal();
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            SimStore.Reply current = store.call(HttpMethod.GET, p.objectPath(), null, null);
            if (!current.ok()) {
                return Reply.fromStore(p, current);
            }
            ObjectNode target = (ObjectNode) Json.parse(current.body());
            ObjectNode scale = Scales.of(target);
            if (ex.method().equals("GET")) {
                return Reply.json(200, scale.toString());
            }
            JsonNode change = Json.parse(ex.body());
            if (change == null) {
                return Reply.status(400, "the request body is not JSON");
            }
            JsonNode wanted;
            String contentType = ex.header("Content-Type");
            if (ex.method().equals("PUT")) {
                wanted = change;
            } else if (contentType.startsWith("application/json-patch+json")) {
                return Reply.status(415, "kube-sim serves merge and strategic merge patches on /scale");
            } else {
                wanted = Patches.merge(scale, change);
            }
            String rv = wanted.path("metadata").path("resourceVersion").asText("");
            if (!rv.isEmpty()
                    && !rv.equals(
                            target.path("metadata").path("resourceVersion").asText())) {
                return Reply.status(
                        409,
                        "Operation cannot be fulfilled on " + p.plural() + "." + p.group() + " \"" + p.name()
                                + "\": the object has been modified; please apply your changes to the latest version and try again");
            }
            target.withObjectProperty("spec")
                    .put("replicas", wanted.path("spec").path("replicas").asInt());
            SimStore.Reply result =
                    store.write(dryRun.dryRun(), HttpMethod.PUT, p.objectPath(), MediaTypes.JSON, target.toString());
            if (result.code() == 409 && rv.isEmpty()) {
                continue;
            }
            if (!result.ok()) {
                return Reply.fromStore(p, result);
            }
            return Reply.json(
                    200, Scales.of((ObjectNode) Json.parse(result.body())).toString());
        }
        return Reply.status(409, "kube-sim could not scale: too many concurrent writes");
    }
}
