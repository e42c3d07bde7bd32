package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.Arrays;

/** Parses a user's Deployment YAML, refusing anything else with the field {@code manifest} and the fix. */
final class DeploymentManifest {
    private DeploymentManifest() { }

    static Deployment parse(String yaml, KubernetesSerialization serialization) {
        if (yaml == null || yaml.isBlank()) {
            throw new InvalidInputException("manifest", "is empty", "pass a Deployment in YAML");
        }
        long documents = Arrays.stream(yaml.split("(?m)^---.*$")).filter(DeploymentManifest::hasContent).count();
        if (documents > 1) {
            throw new InvalidInputException("manifest", "holds " + documents + " YAML documents",
                    "pass only the Deployment (Services and the rest are not blue-green's to apply)");
        }
        GenericKubernetesResource generic;
        try {
            generic = serialization.unmarshal(yaml, GenericKubernetesResource.class);
        } catch (RuntimeException e) {
            throw new InvalidInputException("manifest", "is not valid YAML for a Kubernetes object ("
                    + firstLine(e.getMessage()) + ")", "pass a Deployment in YAML (apiVersion: apps/v1, kind: Deployment)");
        }
        if (generic == null || generic.getKind() == null) {
            throw new InvalidInputException("manifest", "has no kind",
                    "pass a Deployment in YAML (apiVersion: apps/v1, kind: Deployment)");
        }
        if (!"Deployment".equals(generic.getKind())) {
            throw new InvalidInputException("manifest", "is a " + generic.getKind() + ", not a Deployment",
                    "pass a Deployment (kind: Deployment)");
        }
        if (!"apps/v1".equals(generic.getApiVersion())) {
            throw new InvalidInputException("manifest", "has apiVersion " + generic.getApiVersion(),
                    "use apiVersion: apps/v1");
        }
        Deployment deployment;
        try {
            deployment = serialization.unmarshal(yaml, Deployment.class);
        } catch (RuntimeException e) {
            throw new InvalidInputException("manifest", "is not a well-formed Deployment (" + firstLine(e.getMessage())
                    + ")", "check it with kubectl apply --dry-run=client -f");
        }
        if (deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null
                || deployment.getSpec().getTemplate().getSpec().getContainers() == null
                || deployment.getSpec().getTemplate().getSpec().getContainers().isEmpty()) {
            throw new InvalidInputException("manifest", "has no containers (spec.template.spec.containers is empty)",
                    "add at least one container with an image");
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
