package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Arrays;

/** Parses a user's Deployment YAML, refusing anything else with the field {@code manifest} and the fix. */
final class DeploymentManifest {
    /**
     * No Deployment comes near this (the API server stores no object over 1.5 MiB); reading more would only let a
     * wrong path such as /dev/zero exhaust the memory of the CLI or the controller.
     */
    static final int MAX_BYTES = 1024 * 1024;

    private DeploymentManifest() {}

    static InvalidInputException tooLarge() {
        return new InvalidInputException(
                "manifest",
                "is larger than 1 MiB (the cap for a Deployment manifest)",
                "pass the Deployment's own YAML file; the API server stores no object over 1.5 MiB");
    }

    static Deployment parse(String yaml, KubernetesSerialization serialization) {
        if (yaml == null || yaml.isBlank()) {
            throw new InvalidInputException("manifest", "is empty", "pass a Deployment in YAML");
        }
        if (yaml.length() > MAX_BYTES) {
            throw tooLarge();
        }
        long documents = Arrays.stream(yaml.split("(?m)^---.*$"))
                .filter(DeploymentManifest::hasContent)
                .count();
        if (documents > 1) {
            throw new InvalidInputException(
                    "manifest",
                    "holds " + documents + " YAML documents",
                    "pass only the Deployment (Services and the rest are not blue-green's to apply)");
        }
        GenericKubernetesResource generic;
        try {
            generic = serialization.unmarshal(yaml, GenericKubernetesResource.class);
        } catch (RuntimeException e) {
            throw new InvalidInputException(
                    "manifest",
                    "is not valid YAML for a Kubernetes object (" + firstLine(e.getMessage()) + ")",
                    "pass a Deployment in YAML (apiVersion: apps/v1, kind: Deployment)");
        }
        if (generic == null || generic.getKind() == null) {
            throw new InvalidInputException(
                    "manifest", "has no kind", "pass a Deployment in YAML (apiVersion: apps/v1, kind: Deployment)");
        }
        if (!"Deployment".equals(generic.getKind())) {
            throw new InvalidInputException(
                    "manifest",
                    "is a " + generic.getKind() + ", not a Deployment",
                    "pass a Deployment (kind: Deployment)");
        }
        if (!"apps/v1".equals(generic.getApiVersion())) {
            throw new InvalidInputException(
                    "manifest", "has apiVersion " + generic.getApiVersion(), "use apiVersion: apps/v1");
        }
        Deployment deployment;
        try {
            deployment = serialization.unmarshal(yaml, Deployment.class);
        } catch (RuntimeException e) {
            throw new InvalidInputException(
                    "manifest",
                    "is not a well-formed Deployment (" + firstLine(e.getMessage()) + ")",
                    "check it with kubectl apply --dry-run=client -f");
        }
        if (deployment.getSpec() == null
                || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null
                || deployment.getSpec().getTemplate().getSpec().getContainers() == null
                || deployment.getSpec().getTemplate().getSpec().getContainers().isEmpty()) {
            throw new InvalidInputException(
                    "manifest",
                    "has no containers (spec.template.spec.containers is empty)",
                    "add at least one container with an image");
        }
        Integer replicas = deployment.getSpec().getReplicas();
        if (replicas != null && (replicas < 0 || replicas > InputValidation.MAX_REPLICAS)) {
            throw new InvalidInputException(
                    "manifest",
                    "spec.replicas is " + replicas,
                    "set it to 0.." + InputValidation.MAX_REPLICAS + ", or leave it out to run as many as the live "
                            + "colour (--replicas overrides both)");
        }
        return deployment;
    }

    private static boolean hasContent(String document) {
        return document.lines().map(String::strip).anyMatch(l -> !l.isEmpty() && !l.startsWith("#"));
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
