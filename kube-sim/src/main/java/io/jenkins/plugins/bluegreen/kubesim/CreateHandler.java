package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;

/** {@code create} (POST): the namespace must exist, server-side defaults and validation, then the store. */
final class CreateHandler implements VerbHandler {

    private final SimStore store;
    private final ClusterCache cache;
    private final Defaults defaults;

    CreateHandler(SimStore store, ClusterCache cache, Defaults defaults) {
        this.store = store;
        this.cache = cache;
        this.defaults = defaults;
    }

    @Override
    public Reply handle(Exchange ex, ApiPath p, ResourceType type) {
        DryRun.Option dryRun = DryRun.of(ex);
        if (dryRun.refusal() != null) {
            return dryRun.refusal();
        }
        if (type != null
                && type.namespaced()
                && p.namespace() != null
                && cache.namespace(p.namespace()).isEmpty()) {
            return Reply.status(404, "namespaces \"" + p.namespace() + "\" not found");
        }
        ObjectNode obj = Json.parseObject(ex.body());
        if (obj == null) {
            return Reply.status(400, "the request body is not a JSON or YAML object");
        }
        if (type != null) {
            try {
                defaults.onCreate(type, obj);
            } catch (Defaults.InvalidException e) {
                return Reply.status(422, e.getMessage());
            }
        }
        return Reply.fromStore(
                p, store.write(dryRun.dryRun(), HttpMethod.POST, ex.path(), MediaTypes.JSON, obj.toString()));
    }
}
