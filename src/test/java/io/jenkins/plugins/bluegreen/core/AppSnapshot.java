package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What blue-green state an app has in the cluster — what a person would compare to decide "nothing was changed":
 * the live Service's selector and annotations, each colour's replica count, images and annotations, the preview
 * Service's selector, the lock holder. Status fields are left out: controllers move them all the time.
 */
record AppSnapshot(
        Map<String, String> selector,
        Map<String, String> serviceAnnotations,
        Colour blue,
        Colour green,
        Map<String, String> previewSelector,
        String lockHolder) {

    /** One colour Deployment's desired state; null when it does not exist. */
    record Colour(Integer replicas, List<String> images, Map<String, String> annotations) {}

    static AppSnapshot of(KubernetesClient client, String namespace, String app, String preview) {
        Service service = client.services().inNamespace(namespace).withName(app).get();
        Service previewService = preview == null
                ? null
                : client.services().inNamespace(namespace).withName(preview).get();
        Lease lease = client.leases()
                .inNamespace(namespace)
                .withName(app + "-bluegreen")
                .get();
        return new AppSnapshot(
                service.getSpec().getSelector(),
                service.getMetadata().getAnnotations(),
                colour(client, namespace, app + "-blue"),
                colour(client, namespace, app + "-green"),
                previewService == null ? null : previewService.getSpec().getSelector(),
                lease == null
                                || lease.getSpec() == null
                                || "".equals(lease.getSpec().getHolderIdentity())
                        ? null
                        : lease.getSpec().getHolderIdentity()); // released = "" (or none: older engines)
    }

    private static Colour colour(KubernetesClient client, String namespace, String name) {
        Deployment d = client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(name)
                .get();
        if (d == null) {
            return null;
        }
        // what the Deployment controller writes by itself (deployment.kubernetes.io/revision, set shortly after a
        // create) is not the engine's doing: under load it landed after a cell's first snapshot and read as a change
        Map<String, String> annotations = new java.util.TreeMap<>(
                d.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : d.getMetadata().getAnnotations());
        annotations.keySet().removeIf(key -> key.startsWith("deployment.kubernetes.io/"));
        return new Colour(d.getSpec().getReplicas(), new DeploymentView(d).images(), annotations);
    }

    /**
     * The differences from {@code before} in what an operation that did not happen must leave alone.
     *
     * @param blueMayChange a rollback that failed after scaling the idle colour back up leaves it running — it serves
     *                      no traffic, and it is what the next rollback attempt needs anyway; one that failed after
     *                      claiming it (FastRollback) leaves it without its pending scale-down, for the same reason
     * @param lockMayChange operations other than the lock keep or take the lock on failure by design — and with it a
     *                      deploy's announcement on the Service (DeployAnnouncement), which lives as long as that lock
     */
    List<String> differencesFrom(AppSnapshot before, boolean blueMayChange, boolean lockMayChange) {
        List<String> changed = new ArrayList<>();
        compare(changed, "Service selector", before.selector, selector);
        compare(
                changed,
                "Service annotations",
                withoutAnnouncement(before.serviceAnnotations, lockMayChange),
                withoutAnnouncement(serviceAnnotations, lockMayChange));
        if (!blueMayChange) {
            compare(changed, "blue Deployment", before.blue, blue);
        }
        compare(changed, "green Deployment", before.green, green);
        compare(changed, "preview Service selector", before.previewSelector, previewSelector);
        if (!lockMayChange) {
            compare(changed, "lock holder", before.lockHolder, lockHolder);
        }
        return changed;
    }

    private static Map<String, String> withoutAnnouncement(Map<String, String> annotations, boolean dropIt) {
        if (!dropIt || annotations == null) {
            return annotations;
        }
        Map<String, String> rest = new java.util.TreeMap<>(annotations);
        rest.remove(StateKeys.DEPLOYING);
        return rest;
    }

    private static void compare(List<String> changed, String what, Object before, Object after) {
        if (!Objects.equals(before, after)) {
            changed.add(what + " changed from " + before + " to " + after);
        }
    }
}
