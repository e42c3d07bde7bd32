package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The namespace as core sees it: typed reads, and writes that are always guarded by the resourceVersion carried
 * in the object or, where no read should precede the write, patches guarded by JSON patch {@code test} operations
 * (never a blind overwrite; a merge patch only to set values — the store keeps JSON nulls instead of deleting).
 * Every request is retried by {@link ApiRetry} (Retry-After honoured, bounded by the client's retry settings, fabric8's
 * own retries off), and a write whose answer was lost is settled by reading the object back. Every fabric8 failure
 * leaves here translated.
 */
final class Cluster {
    private final KubernetesClient client;
    private final ApiRetry retry;
    private final String namespace;
    /** Non-null in dry-run mode: every write below goes there instead (see {@link DryRunWrites}). */
    private final DryRunWrites dryRun;

    Cluster(ApiRetry retry, String namespace) {
        this(retry, namespace, null);
    }

    Cluster(ApiRetry retry, String namespace, PlanRecorder plan) {
        this.retry = retry;
        this.client = retry.client();
        this.namespace = namespace;
        this.dryRun = plan == null ? null : new DryRunWrites(retry, namespace, plan);
    }

    String namespace() {
        return namespace;
    }

    KubernetesClient client() {
        return client;
    }

    Optional<Service> service(String name) {
        return read(
                "reading Service " + name,
                () -> client.services().inNamespace(namespace).withName(name).get());
    }

    Optional<Deployment> deployment(String name) {
        if (dryRun != null && dryRun.plannedHealthy(name).isPresent()) {
            return dryRun.plannedHealthy(name);
        }
        return read("reading Deployment " + name, () -> client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(name)
                .get());
    }

    /** The EndpointSlices of one Service (label {@code kubernetes.io/service-name}), with the list's resourceVersion. */
    EndpointSliceList endpointSlices(String service) {
        return retried("listing the EndpointSlices of Service " + service, () -> client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(namespace)
                .withLabel(Labels.SERVICE_NAME, service)
                .list());
    }

    /** The pods carrying all of {@code labels} (a Deployment's matchLabels), read now rather than from an informer. */
    List<Pod> pods(Map<String, String> labels) {
        return retried("listing pods " + labels, () -> client.pods()
                .inNamespace(namespace)
                .withLabels(labels)
                .list()
                .getItems());
    }

    List<Deployment> deployments() {
        return retried(
                "listing Deployments",
                () -> client.apps().deployments().inNamespace(namespace).list().getItems());
    }

    /**
     * HorizontalPodAutoscalers (autoscaling/v2); empty when the API is absent or forbidden, since they only refine
     * sizing. A refusal is told to {@code warn} (naming the missing verb): an account without it sizes a colour from
     * the Deployment alone, which should not go unnoticed.
     */
    List<HorizontalPodAutoscaler> autoscalers(Consumer<String> warn) {
        try {
            return retry.read(() -> client.autoscaling()
                    .v2()
                    .horizontalPodAutoscalers()
                    .inNamespace(namespace)
                    .list()
                    .getItems());
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
        return read(
                "reading Lease " + name,
                () -> client.leases().inNamespace(namespace).withName(name).get());
    }

    /**
     * Whether the namespace exists. A namespaced Role is enough for everything else, so an account that may not
     * read namespaces is not an error: then {@code exists} is null and {@code unknownBecause} names the missing verb.
     */
    record NamespaceLookup(Boolean exists, String unknownBecause) {}

    NamespaceLookup namespaceExists() {
        try {
            return new NamespaceLookup(
                    retry.read(() -> client.namespaces().withName(namespace).get()) != null, null);
        } catch (RuntimeException e) {
            if (ApiFailures.isForbidden(e)) {
                return new NamespaceLookup(
                        null,
                        ApiFailures.translate(e, "reading namespace " + namespace)
                                .getMessage());
            }
            throw ApiFailures.translate(e, "reading namespace " + namespace);
        }
    }

    /**
     * Creates {@code object}. A 409 (already exists) is read back: when it is {@code ours} — an earlier attempt that
     * landed although its answer was lost, which also happens when OkHttp silently repeats a request after a dropped
     * connection — it is returned; otherwise {@link StaleObjectException}, and the caller decides again. When no answer comes at all, the object is
     * read back: present and {@code ours} → created; absent → not made ({@link ClusterUnreachableException}), unless
     * an attempt timed out and may still land ({@link UncertainOutcomeException}, as for anything else).
     */
    <T extends HasMetadata> T create(T object, Predicate<T> ours) {
        if (dryRun != null) {
            return dryRun.create(object);
        }
        String what = describe(object);
        String doing = "creating " + what;
        ApiRetry.Attempts attempts = retry.attempts();
        while (true) {
            try {
                return client.resource(object).inNamespace(namespace).create();
            } catch (RuntimeException e) {
                if (ApiFailures.isConflict(e)) {
                    T current = readBack(object, attempts, doing, e);
                    if (current != null && ours.test(current)) {
                        return current;
                    }
                    throw new StaleObjectException(what, e); // the caller reads again and decides again
                }
                if (attempts.retry(e)) {
                    continue;
                }
                if (!attempts.mayHaveApplied()) {
                    throw ApiFailures.translate(e, doing);
                }
                return settleLostAnswer(object, ours, null, attempts, doing, e);
            }
        }
    }

    /**
     * Replaces {@code object} guarded by its metadata.resourceVersion; 409 becomes {@link StaleObjectException} —
     * unless an earlier attempt may have landed unanswered (then our own write made this one stale, so the object is
     * read back and returned when it is {@code applied}). When no answer comes at all, re-reads: {@code applied} →
     * done; same resourceVersion as sent → not made ({@link ClusterUnreachableException}), unless an attempt timed out
     * and may still land; otherwise {@link UncertainOutcomeException}.
     */
    <T extends HasMetadata> T update(T object, Predicate<T> applied) {
        if (dryRun != null) {
            return dryRun.update(object);
        }
        String what = describe(object);
        String doing = "updating " + what;
        String sentVersion = Objects.requireNonNull(
                object.getMetadata().getResourceVersion(), "guarded update needs a resourceVersion");
        ApiRetry.Attempts attempts = retry.attempts();
        while (true) {
            try {
                return client.resource(object).inNamespace(namespace).update();
            } catch (RuntimeException e) {
                if (ApiFailures.isConflict(e)) {
                    if (attempts.mayHaveApplied()) {
                        T current = readBack(object, attempts, doing, e);
                        if (current != null && applied.test(current)) {
                            return current;
                        }
                    }
                    throw new StaleObjectException(what, e);
                }
                if (attempts.retry(e)) {
                    continue;
                }
                if (!attempts.mayHaveApplied()) {
                    throw ApiFailures.translate(e, doing);
                }
                return settleLostAnswer(object, applied, sentVersion, attempts, doing, e);
            }
        }
    }

    /**
     * Re-reads the Deployment and applies {@code decide} to the fresh copy until a guarded update wins; the decision
     * is made again after every lost race. {@code decide} returns the desired object, or empty for "nothing to do".
     * Returns the Deployment as written (or as read when nothing was done); empty when it does not exist.
     */
    Optional<Deployment> editDeployment(String name, Function<Deployment, Optional<Deployment>> decide) {
        return edit(name, null, decide).current();
    }

    /**
     * Like {@link #editDeployment(String, Function)}, deciding first on {@code known} — a copy the caller has just
     * read — instead of reading again; the guarded write still refuses it if it is stale, and then the loop re-reads.
     */
    Optional<Deployment> editDeployment(
            String name, Deployment known, Function<Deployment, Optional<Deployment>> decide) {
        return edit(name, known, decide).current();
    }

    /** {@link #editDeployment(String, Deployment, Function)}, telling also whether the decision was written. */
    DeploymentEdit edit(String name, Deployment known, Function<Deployment, Optional<Deployment>> decide) {
        return ApiRetry.Races.DEPLOYMENT_EDIT.untilWon(
                attempt -> {
                    Optional<Deployment> current =
                            attempt == 1 && known != null ? Optional.of(known) : deployment(name);
                    if (current.isEmpty()) {
                        return new DeploymentEdit(null, null);
                    }
                    Optional<Deployment> desired = decide.apply(new DeploymentBuilder(current.get()).build());
                    if (desired.isEmpty()) {
                        return new DeploymentEdit(current.get(), null);
                    }
                    Deployment wanted = desired.get();
                    return new DeploymentEdit(
                            current.get(),
                            update(
                                    wanted,
                                    d -> Objects.equals(d.getSpec(), wanted.getSpec())
                                            && Objects.equals(
                                                    d.getMetadata().getAnnotations(),
                                                    wanted.getMetadata().getAnnotations())));
                },
                attempts -> new ConflictException("Deployment " + name + " kept changing (" + attempts + " attempts); "
                        + "nothing was overwritten — check who else writes it and retry"));
    }

    /**
     * Sends a patch that needs no read first: a JSON patch (RFC 6902) whose {@code test} operations guard it — the
     * API server applies it to the object as it is at that moment, all or nothing — or a JSON merge patch that sets
     * values (never a null: the store keeps nulls). Returns the object as stored; empty when the object does not
     * exist or a {@code test} failed (the API server answers 422), so the caller decides what that means. A write
     * whose answer was lost is settled like {@link #update}: read back, {@code applied} → done.
     */
    <T extends HasMetadata> Optional<T> patch(T named, PatchType patchType, String patch, Predicate<T> applied) {
        if (dryRun != null) {
            return dryRun.patch(named, patchType, patch);
        }
        String doing = "patching " + describe(named);
        ApiRetry.Attempts attempts = retry.attempts();
        while (true) {
            try {
                // on a resource() with the object given, fabric8 sends the patch as it is; on withName() it would GET
                // the object first (a request this method exists to avoid)
                return Optional.ofNullable(
                        client.resource(named).inNamespace(namespace).patch(PatchContext.of(patchType), patch));
            } catch (RuntimeException e) {
                int code = ApiRetry.code(e);
                if (code == 404 || code == 422 || ApiFailures.isConflict(e)) {
                    if (attempts.mayHaveApplied()) {
                        // an earlier attempt may have landed unanswered, and this one then found its own change
                        T current = readBack(named, attempts, doing, e);
                        if (current != null && applied.test(current)) {
                            return Optional.of(current);
                        }
                    }
                    return Optional.empty();
                }
                if (attempts.retry(e)) {
                    continue;
                }
                if (!attempts.mayHaveApplied()) {
                    throw ApiFailures.translate(e, doing + " in namespace " + namespace);
                }
                T current = readBack(named, attempts, doing, e);
                if (current != null && applied.test(current)) {
                    return Optional.of(current);
                }
                throw new UncertainOutcomeException(
                        doing,
                        "no answer came and the object does not show the change; " + "run `" + checkCommand(named)
                                + "` in a minute and see whether it is there",
                        e);
            }
        }
    }

    /** Deletes an object that is known not to serve traffic; repeating a delete is harmless, so it is retried. */
    void delete(HasMetadata object) {
        if (dryRun != null) {
            dryRun.delete(object);
            return;
        }
        retried(
                "deleting " + describe(object),
                () -> client.resource(object).inNamespace(namespace).delete());
    }

    /**
     * A write got no answer (or only 5xx) on every attempt: the object decides. {@code sentVersion} null = a create.
     */
    private <T extends HasMetadata> T settleLostAnswer(
            T sent,
            Predicate<T> applied,
            String sentVersion,
            ApiRetry.Attempts attempts,
            String doing,
            RuntimeException failure) {
        String check = checkCommand(sent);
        T current = readBack(sent, attempts, doing, failure);
        if (current != null && applied.test(current)) {
            return current;
        }
        boolean untouched = sentVersion == null
                ? current == null
                : current != null && sentVersion.equals(current.getMetadata().getResourceVersion());
        if (untouched && !attempts.mayStillApply()) {
            throw ApiFailures.translate(failure, doing + " (nothing was changed)");
        }
        if (untouched) {
            // the server answered none of the attempts in time and may still be working on one; a guarded write
            // can still land as long as nobody else changes the object first
            throw new UncertainOutcomeException(
                    doing,
                    "the request timed out and the API server may still apply it "
                            + "(nothing has changed so far); run `" + check
                            + "` in a minute and see whether the change is "
                            + "there",
                    failure);
        }
        throw new UncertainOutcomeException(
                doing,
                "no answer came and the object changed in a way that does not " + "match the write; run `" + check
                        + "` and compare",
                failure);
    }

    /** Reads the object a write was about; failing that after a write that may have landed is "uncertain". */
    private <T extends HasMetadata> T readBack(
            T sent, ApiRetry.Attempts attempts, String doing, RuntimeException failure) {
        try {
            return retry.read(() -> client.resource(sent).inNamespace(namespace).get());
        } catch (RuntimeException reReadFailure) {
            if (!attempts.mayHaveApplied()) {
                throw ApiFailures.translate(reReadFailure, doing + " (nothing was changed)");
            }
            throw new UncertainOutcomeException(
                    doing,
                    "no answer came and the object could not be read back; run `" + checkCommand(sent)
                            + "` to see whether the change is there",
                    failure);
        }
    }

    private String checkCommand(HasMetadata sent) {
        return "kubectl -n " + namespace + " get " + sent.getKind().toLowerCase() + " "
                + sent.getMetadata().getName() + " -o yaml";
    }

    private <T> Optional<T> read(String doing, Supplier<T> get) {
        return Optional.ofNullable(retried(doing, get));
    }

    /** A read (or an idempotent call), retried by {@link ApiRetry}, its last failure translated. */
    private <T> T retried(String doing, Supplier<T> operation) {
        try {
            return retry.read(operation);
        } catch (RuntimeException e) {
            throw ApiFailures.translate(e, doing + " in namespace " + namespace);
        }
    }

    /** Runs {@code operation} once (a watch, a wait with its own timeout), its failure translated. */
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
