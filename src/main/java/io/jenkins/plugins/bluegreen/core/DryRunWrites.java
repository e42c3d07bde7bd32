package io.jenkins.plugins.bluegreen.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link Cluster}'s writes in dry-run mode: each goes to the API server with {@code dryRun=All}, so it is
 * authenticated, authorized, validated and checked against the object's resourceVersion or the patch's {@code test}
 * operations exactly as the real write would be — and the same refusals reach the operation — but nothing is stored.
 * What the API server answered is recorded in the plan, and handed back as if written, so the operation goes on
 * deciding as it would. The current object is read first only to say what would change.
 */
final class DryRunWrites {
    /** Reads the engine's own patch texts only. */
    private static final ObjectMapper PATCH_READER = new ObjectMapper();

    private final KubernetesClient client;
    private final ApiRetry retry;
    private final String namespace;
    private final PlanRecorder plan;

    DryRunWrites(ApiRetry retry, String namespace, PlanRecorder plan) {
        this.retry = retry;
        this.client = retry.client();
        this.namespace = namespace;
        this.plan = plan;
    }

    <T extends HasMetadata> T create(T object) {
        String doing = "creating " + describe(object) + " (dry run)";
        try {
            T answer = retry.read(() ->
                    client.resource(object).inNamespace(namespace).dryRun().create());
            record("create", object, null, answer, "must not exist yet (create)");
            return answer;
        } catch (RuntimeException e) {
            if (ApiFailures.isConflict(e)) {
                throw new StaleObjectException(describe(object), e);
            }
            throw ApiFailures.translate(e, doing);
        }
    }

    <T extends HasMetadata> T update(T object) {
        String doing = "updating " + describe(object) + " (dry run)";
        try {
            T before = current(object);
            T answer = retry.read(() ->
                    client.resource(object).inNamespace(namespace).dryRun().update());
            record(
                    "update",
                    object,
                    before,
                    answer,
                    "resourceVersion " + object.getMetadata().getResourceVersion());
            return answer;
        } catch (RuntimeException e) {
            if (ApiFailures.isConflict(e)) {
                throw new StaleObjectException(describe(object), e);
            }
            throw ApiFailures.translate(e, doing);
        }
    }

    <T extends HasMetadata> Optional<T> patch(T named, PatchType patchType, String patch) {
        String doing = "patching " + describe(named) + " (dry run)";
        try {
            // the engine patches HorizontalPodAutoscalers without reading them (the Role grants list and patch, not
            // get); a dry run must need no verb more, so there the change is told from the patch itself
            T before = named instanceof HorizontalPodAutoscaler ? null : current(named);
            T answer = retry.read(() ->
                    client.resource(named).inNamespace(namespace).dryRun().patch(PatchContext.of(patchType), patch));
            List<String> changes = before == null
                    ? changesOf(patchType, patch)
                    : ObjectChanges.between(client.getKubernetesSerialization(), before, answer);
            plan.write(new PlannedWrite(
                    "patch", named.getKind(), named.getMetadata().getName(), changes, guardOf(patchType, patch)));
            return Optional.ofNullable(answer);
        } catch (RuntimeException e) {
            int code = ApiRetry.code(e);
            if (code == 404 || code == 422 || ApiFailures.isConflict(e)) {
                return Optional.empty(); // the real patch's answer too: its caller decides what that means
            }
            throw ApiFailures.translate(e, doing + " in namespace " + namespace);
        }
    }

    void delete(HasMetadata object) {
        try {
            HasMetadata before = current(object);
            retry.read(() ->
                    client.resource(object).inNamespace(namespace).dryRun().delete());
            if (before != null) {
                plan.write(new PlannedWrite(
                        "delete",
                        object.getKind(),
                        object.getMetadata().getName(),
                        List.of("the whole object (it serves no traffic)"),
                        null));
            }
        } catch (RuntimeException e) {
            throw ApiFailures.translate(e, "deleting " + describe(object) + " (dry run) in namespace " + namespace);
        }
    }

    /** A Deployment this run wrote and planned to wait for, as it would be then. */
    Optional<Deployment> plannedHealthy(String name) {
        return plan.healthy(name);
    }

    /**
     * The object as stored, only to describe the change; null when the account may not read it (the Role grants
     * HorizontalPodAutoscalers list and patch, not get): a dry run needs no verb the real run does not.
     */
    private <T extends HasMetadata> T current(T object) {
        try {
            return retry.read(
                    () -> client.resource(object).inNamespace(namespace).get());
        } catch (RuntimeException e) {
            if (ApiFailures.isForbidden(e)) {
                return null;
            }
            throw e;
        }
    }

    private void record(String verb, HasMetadata sent, HasMetadata before, HasMetadata answer, String guard) {
        plan.write(new PlannedWrite(
                verb,
                sent.getKind(),
                sent.getMetadata().getName(),
                ObjectChanges.between(client.getKubernetesSerialization(), before, answer),
                guard));
    }

    /** A JSON patch's operations as changes ({@code path: tested value → new value}); a merge patch as sent. */
    static List<String> changesOf(PatchType type, String patch) {
        if (type != PatchType.JSON) {
            return List.of("sets " + patch);
        }
        List<String> changes = new ArrayList<>();
        try {
            JsonNode ops = PATCH_READER.readTree(patch);
            for (JsonNode op : ops) {
                String path = op.path("path").asText();
                String was = "(unchecked)";
                for (JsonNode test : ops) {
                    if ("test".equals(test.path("op").asText())
                            && path.equals(test.path("path").asText())) {
                        was = text(test.path("value"));
                    }
                }
                switch (op.path("op").asText()) {
                    case "replace", "add" -> changes.add(path + ": " + was + " → " + text(op.path("value")));
                    case "remove" -> changes.add(path + ": " + was + " → (none)");
                    default -> {}
                }
            }
        } catch (IOException e) {
            return List.of(patch);
        }
        return changes;
    }

    private static String text(JsonNode value) {
        return value.isTextual() ? value.asText() : value.toString();
    }

    /** JSON patch: its {@code test} operations; a merge patch only sets values and has none. */
    static String guardOf(PatchType type, String patch) {
        if (type != PatchType.JSON) {
            return "none (a merge patch that only sets these values)";
        }
        List<String> tests = new ArrayList<>();
        try {
            for (JsonNode op : PATCH_READER.readTree(patch)) {
                if ("test".equals(op.path("op").asText())) {
                    JsonNode value = op.path("value");
                    tests.add(
                            op.path("path").asText() + " = " + (value.isTextual() ? value.asText() : value.toString()));
                }
            }
        } catch (IOException e) {
            return "JSON patch";
        }
        return tests.isEmpty() ? "none" : "JSON patch test " + String.join(", ", tests);
    }

    private static String describe(HasMetadata object) {
        return object.getKind() + " " + object.getMetadata().getName();
    }
}
