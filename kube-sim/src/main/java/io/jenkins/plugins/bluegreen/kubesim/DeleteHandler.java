package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.mockwebserver.dsl.HttpMethod;

/** {@code delete} and {@code deletecollection}: the store's own (controllers collect what it owned). */
final class DeleteHandler implements VerbHandler {

    private final SimStore store;

    DeleteHandler(SimStore store) {
        this.store = store;
    }

    @Override
    public Reply handle(Exchange ex, ApiPath p, ResourceType type) {
        DryRun.Option dryRun = DryRun.of(ex);
        if (dryRun.refusal() != null) {
            return dryRun.refusal();
        }
        return Reply.fromStore(p, store.write(dryRun.dryRun(), HttpMethod.DELETE, ex.path(), null, null));
    }
}
