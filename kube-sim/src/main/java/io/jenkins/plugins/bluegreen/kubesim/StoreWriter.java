package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * How controllers write: straight into the store, never over HTTP, so their traffic is not
 * counted and not subject to fault rules (a real API server's controllers are not the client
 * under test either). Conflicts are expected and harmless: the write that won produces an event
 * that triggers the next reconcile.
 */
final class StoreWriter {

    private static final Logger LOG = Logger.getLogger(StoreWriter.class.getName());
    private static final String JSON = "application/json";

    private final SimStore store;
    private final ResourceTypes types;

    StoreWriter(SimStore store, ResourceTypes types) {
        this.store = store;
        this.types = types;
    }

    private ResourceType typeOf(HasMetadata o) {
        return types.findByKind(o.getApiVersion(), o.getKind())
                .orElseThrow(() -> new IllegalArgumentException("kube-sim does not know " + o.getKind()));
    }

    /** Creates the object; returns false if it could not (e.g. it exists). */
    boolean create(HasMetadata o) {
        ResourceType t = typeOf(o);
        return check(
                "create",
                o,
                store.call(
                        HttpMethod.POST,
                        t.collectionPath(o.getMetadata().getNamespace()),
                        JSON,
                        Serialization.asJson(o)));
    }

    /** Replaces the object (spec and metadata); guarded by its resourceVersion. */
    boolean replace(HasMetadata o) {
        ResourceType t = typeOf(o);
        if (!t.hasStatus() && (t.kind().equals("Endpoints") || t.kind().equals("EndpointSlice"))) {
            // long address lists: skip the store's quadratic diff
            return store.replaceDirect(
                    t.objectPath(o.getMetadata().getNamespace(), o.getMetadata().getName()),
                    Json.mapper().valueToTree(o));
        }
        return check(
                "update",
                o,
                store.call(
                        HttpMethod.PUT,
                        t.objectPath(
                                o.getMetadata().getNamespace(), o.getMetadata().getName()),
                        JSON,
                        Serialization.asJson(o)));
    }

    /** Replaces the status of the object; guarded by its resourceVersion. */
    boolean replaceStatus(HasMetadata o) {
        ResourceType t = typeOf(o);
        String path =
                t.objectPath(o.getMetadata().getNamespace(), o.getMetadata().getName());
        return check(
                "update status",
                o,
                store.call(HttpMethod.PUT, t.hasStatus() ? path + "/status" : path, JSON, Serialization.asJson(o)));
    }

    /**
     * Merges a change into the stored object, guarded by {@code o}'s resourceVersion. Unlike a
     * replace it leaves every other field exactly as stored (a typed round trip would normalise the
     * pod template, e.g. drop {@code creationTimestamp: null}, and so bump the generation).
     */
    boolean merge(HasMetadata o, com.fasterxml.jackson.databind.node.ObjectNode change) {
        ResourceType t = typeOf(o);
        change.withObjectProperty("metadata")
                .put("resourceVersion", o.getMetadata().getResourceVersion());
        return check(
                "patch",
                o,
                store.call(
                        HttpMethod.PATCH,
                        t.objectPath(
                                o.getMetadata().getNamespace(), o.getMetadata().getName()),
                        "application/merge-patch+json",
                        change.toString()));
    }

    /** Merges a change whatever the stored version (an event's count: the last writer is right). */
    boolean mergeUnguarded(HasMetadata o, com.fasterxml.jackson.databind.node.ObjectNode change) {
        ResourceType t = typeOf(o);
        return check(
                "patch",
                o,
                store.call(
                        HttpMethod.PATCH,
                        t.objectPath(
                                o.getMetadata().getNamespace(), o.getMetadata().getName()),
                        "application/merge-patch+json",
                        change.toString()));
    }

    boolean delete(HasMetadata o) {
        ResourceType t = typeOf(o);
        return check(
                "delete",
                o,
                store.call(
                        HttpMethod.DELETE,
                        t.objectPath(
                                o.getMetadata().getNamespace(), o.getMetadata().getName()),
                        null,
                        null));
    }

    private static boolean check(String what, HasMetadata o, SimStore.Reply reply) {
        if (!reply.ok() && reply.code() != 409 && reply.code() != 404) {
            LOG.log(Level.FINE, "kube-sim controller could not {0} {1} {2}: {3} {4}", new Object[] {
                what, o.getKind(), o.getMetadata().getName(), reply.code(), reply.body()
            });
        }
        return reply.ok();
    }
}
