package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Objects;

/** Null-safe reading of the Deployment fields blue-green cares about. */
record DeploymentView(Deployment deployment) {

    String name() {
        return deployment.getMetadata().getName();
    }

    int desiredReplicas() {
        Integer replicas = deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
        return replicas == null ? 1 : replicas; // the API server defaults a missing count to 1
    }

    int readyReplicas() {
        return count(status() == null ? null : status().getReadyReplicas());
    }

    int updatedReplicas() {
        return count(status() == null ? null : status().getUpdatedReplicas());
    }

    int availableReplicas() {
        return count(status() == null ? null : status().getAvailableReplicas());
    }

    int totalReplicas() {
        return count(status() == null ? null : status().getReplicas());
    }

    boolean observedCurrentGeneration() {
        Long generation = deployment.getMetadata().getGeneration();
        Long observed = status() == null ? null : status().getObservedGeneration();
        return generation == null || (observed != null && observed >= generation);
    }

    /**
     * The rollout is complete by the Deployment's own status: observedGeneration caught up, every desired replica
     * updated, ready and available (which honours minReadySeconds), and no old replicas left.
     */
    boolean rolloutComplete() {
        int desired = desiredReplicas();
        return observedCurrentGeneration() && updatedReplicas() == desired && readyReplicas() == desired
                && availableReplicas() == desired && totalReplicas() == desired;
    }

    List<String> images() {
        if (deployment.getSpec() == null || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null) {
            return List.of();
        }
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream().map(Container::getImage)
                .filter(Objects::nonNull).toList();
    }

    String annotation(String key) {
        return Labels.annotation(deployment, key);
    }

    Instant instantAnnotation(String key) {
        String value = annotation(key);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            return null; // hand-edited; treated as absent rather than failing a release over it
        }
    }

    HealthProgress progress(Color color) {
        return new HealthProgress(name(), color, desiredReplicas(), updatedReplicas(), readyReplicas(),
                availableReplicas());
    }

    private DeploymentStatus status() {
        return deployment.getStatus();
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
