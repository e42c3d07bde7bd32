package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The namespace as core sees it: typed reads, and writes that are always guarded by the resourceVersion carried
 * in the object (never a blind overwrite, never a merge patch — the store keeps JSON nulls instead of deleting).
 * Every fabric8 failure leaves here translated.
 */
final class Cluster {
    /** Status updates by the controllers also move resourceVersion, so a few lost races are normal. */
    private static final int MAX_EDIT_ATTEMPTS = 10;
    private final KubernetesClient client;
    private final String namespace;

    Cluster(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    String namespace() {
        return namespace;
    }

    KubernetesClient client() {
        return client;
    }

    Optional<Service> service(String name) {
        return read("reading Service " + name, () -> client.services().inNamespace(namespace).withName(name).get());
    }

    Optional<Deployment> deployment(String name) {
        return read("reading Deployment " + name,
                () -> client.apps().deployments().inNamespace(namespace).withName(name).get());
    }

    List<Deployment> deployments() {
        return call("listing Deployments", () -> client.apps().deployments().inNamespace(namespace).list().getItems());
    }

    /**
     * HorizontalPodAutoscalers (autoscaling/v2); empty when the API is absent or forbidden, since they only refine
     * sizing. A refusal is told to {@code warn} (naming the missing verb): an account without it sizes a colour from
     * the Deployment alone, which should not go unnoticed.
     */
    List<HorizontalPodAutoscaler> autoscalers(Consumer<String> warn) {
        try {
            return client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).list().getItems();
        } catch (RuntimeException e) {
            if (ApiFailures.isUnreachable(e)) {
                throw ApiFailures.translate(e, "listing HorizontalPodAutoscalers");
            }
            if (ApiFailures.isForbidden(e)) {
                warn.accept("HorizontalPodAutoscalers are ignored when sizing the new colour: "
                        + ApiFailures.translate(e, "listing HorizontalPodAutoscalers in namespace " + namespace)
                        .getMessage());
            }
            return List.of();
        }
    }

    Optional<Lease> lease(String name) {
        return read("reading Lease " + name, () -> client.leases().inNamespace(namespace).withName(name).get());
    }

    /**
     * Whether the namespace exists. A namespaced Role is enough for everything else, so an account that may not
     * read namespaces is not an error: then {@code exists} is null and {@code unknownBecause} names the missing verb.
     */
    record NamespaceLookup(Boolean exists, String unknownBecause) { }

    NamespaceLookup namespaceExists() {
        try {
            return new NamespaceLookup(client.namespaces().withName(namespace).get() != null, null);
        } catch (RuntimeException e) {
            if (ApiFailures.isForbidden(e)) {
                return new NamespaceLookup(null, ApiFailures.translate(e, "reading namespace " + namespace).getMessage());
            }
            throw ApiFailures.translate(e, "reading namespace " + namespace);
        }
    }

    /**
     * Creates {@code object}; 409 (already exists) becomes {@link StaleObjectException}. When the connection drops,
     * re-reads: present and {@code ours} → created; absent → not made ({@link ClusterUnreachableException});
     * otherwise {@link UncertainOutcomeException}.
     */
    <T extends HasMetadata> T create(T object, Predicate<T> ours) {
        String what = describe(object);
        try {
            return client.resource(object).inNamespace(namespace).create();
        } catch (RuntimeException e) {
            if (ApiFailures.isConflict(e)) {
                throw new StaleObjectException(what, e);
            }
            if (!ApiFailures.isUnreachable(e)) {
                throw ApiFailures.translate(e, "creating " + what);
            }
            return settleDroppedWrite(object, ours, null, "creating " + what, e);
        }
    }

    /**
     * Replaces {@code object} guarded by its metadata.resourceVersion; 409 becomes {@link StaleObjectException}.
     * When the connection drops, re-reads: {@code applied} → done; same resourceVersion as sent → not made
     * ({@link ClusterUnreachableException}); otherwise {@link UncertainOutcomeException}.
     */
    <T extends HasMetadata> T update(T object, Predicate<T> applied) {
        String what = describe(object);
        Objects.requireNonNull(object.getMetadata().getResourceVersion(), "guarded update needs a resourceVersion");
        try {
            return client.resource(object).inNamespace(namespace).update();
        } catch (RuntimeException e) {
            if (ApiFailures.isConflict(e)) {
                throw new StaleObjectException(what, e);
            }
            if (!ApiFailures.isUnreachable(e)) {
                throw ApiFailures.translate(e, "updating " + what);
            }
            return settleDroppedWrite(object, applied, object.getMetadata().getResourceVersion(), "updating " + what, e);
        }
    }

    /**
     * Re-reads the Deployment and applies {@code decide} to the fresh copy until a guarded update wins; the decision
     * is made again after every lost race. {@code decide} returns the desired object, or empty for "nothing to do".
     * Returns the Deployment as written (or as read when nothing was done); empty when it does not exist.
     */
    Optional<Deployment> editDeployment(String name, Function<Deployment, Optional<Deployment>> decide) {
        return editDeployment(name, null, decide);
    }

    /**
     * Like {@link #editDeployment(String, Function)}, deciding first on {@code known} — a copy the caller has just
     * read — instead of reading again; the guarded write still refuses it if it is stale, and then the loop re-reads.
     */
    Optional<Deployment> editDeployment(String name, Deployment known, Function<Deployment, Optional<Deployment>> decide) {
        for (int attempt = 1; ; attempt++) {
            Optional<Deployment> current = attempt == 1 && known != null ? Optional.of(known) : deployment(name);
            if (current.isEmpty()) {
                return current;
            }
            Optional<Deployment> desired = decide.apply(new DeploymentBuilder(current.get()).build());
            if (desired.isEmpty()) {
                return current;
            }
            Deployment wanted = desired.get();
            try {
                return Optional.of(update(wanted, d -> Objects.equals(d.getSpec(), wanted.getSpec())
                        && Objects.equals(d.getMetadata().getAnnotations(), wanted.getMetadata().getAnnotations())));
            } catch (StaleObjectException lostRace) {
                if (attempt >= MAX_EDIT_ATTEMPTS) {
                    throw new ConflictException("Deployment " + name + " kept changing (" + attempt + " attempts); "
                            + "nothing was overwritten — check who else writes it and retry");
                }
            }
        }
    }

    /** Deletes an object that is known not to serve traffic. */
    void delete(HasMetadata object) {
        call("deleting " + describe(object), () -> client.resource(object).inNamespace(namespace).delete());
    }

    private <T extends HasMetadata> T settleDroppedWrite(T sent, Predicate<T> applied, String sentVersion,
                                                         String doing, RuntimeException failure) {
        String check = "kubectl -n " + namespace + " get " + sent.getKind().toLowerCase() + " "
                + sent.getMetadata().getName() + " -o yaml";
        T current;
        try {
            current = client.resource(sent).inNamespace(namespace).get();
        } catch (RuntimeException reReadFailure) {
            throw new UncertainOutcomeException(doing, "the connection dropped and the object could not be re-read; run `"
                    + check + "` to see whether the change is there", failure);
        }
        if (current != null && applied.test(current)) {
            return current;
        }
        boolean untouched = sentVersion == null ? current == null
                : current != null && sentVersion.equals(current.getMetadata().getResourceVersion());
        if (untouched) {
            throw ApiFailures.translate(failure, doing + " (nothing was changed)");
        }
        throw new UncertainOutcomeException(doing, "the connection dropped and the object changed in a way that does "
                + "not match the write; run `" + check + "` and compare", failure);
    }

    private <T> Optional<T> read(String doing, Supplier<T> get) {
        return Optional.ofNullable(call(doing, get));
    }

    <T> T call(String doing, Supplier<T> operation) {
        try {
            return operation.get();
        } catch (RuntimeException e) {
            throw ApiFailures.translate(e, doing + " in namespace " + namespace);
        }
    }

    private String describe(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }
}
