package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;

/** {@code update} (PUT): defaults and validation against the stored object, then the store (resourceVersion-guarded). */
final class UpdateHandler implements VerbHandler {

    private final SimStore store;
    private final Defaults defaults;

    UpdateHandler(SimStore store, Defaults defaults) {
        this.store = store;
        this.defaults = defaults;
    }

    @Override
    public Reply handle(Exchange ex, ApiPath p, ResourceType type) {
        DryRun.Option dryRun = DryRun.of(ex);
        if (dryRun.refusal() != null) {
            return dryRun.refusal();
        }
        ObjectNode obj = Json.parseObject(ex.body());
        if (obj == null) {
            return Reply.status(400, "the request body is not a JSON or YAML object");
        }
        if (type != null && p.subresource() == null) {
            SimStore.Reply current = store.call(HttpMethod.GET, p.objectPath(), null, null);
            try {
                defaults.onUpdate(type, obj, current.ok() ? Json.parse(current.body()) : null);
            } catch (Defaults.InvalidException e) {
                return Reply.status(422, e.getMessage());
            }
        }
        return Reply.fromStore(
                p, store.write(dryRun.dryRun(), HttpMethod.PUT, ex.path(), MediaTypes.JSON, obj.toString()));
    }
}
