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
        Integer replicas =
                deployment.getSpec() == null ? null : deployment.getSpec().getReplicas();
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
        return observedCurrentGeneration()
                && updatedReplicas() == desired
                && readyReplicas() == desired
                && availableReplicas() == desired
                && totalReplicas() == desired;
    }

    /**
     * What keeps the rollout from being complete, as a phrase; null when it is complete. Counts alone can read
     * "10/10 ready" while the controller has not yet seen the newest spec, or old pods still run beside the new ones.
     */
    String incompleteBecause() {
        if (rolloutComplete()) {
            return null;
        }
        int desired = desiredReplicas();
        String counts = readyReplicas() + "/" + desired + " ready, " + updatedReplicas() + "/" + desired + " updated, "
                + availableReplicas() + "/" + desired + " available";
        if (!observedCurrentGeneration()) {
            return "the Deployment controller has not yet acted on its newest spec (generation "
                    + deployment.getMetadata().getGeneration() + ", observed "
                    + (status() == null ? "none" : status().getObservedGeneration()) + "; " + counts
                    + " of the spec it last saw)";
        }
        if (updatedReplicas() >= desired
                && readyReplicas() >= desired
                && availableReplicas() >= desired
                && totalReplicas() > desired) {
            int old = totalReplicas() - desired;
            return counts + ", and " + old + " pod" + (old == 1 ? "" : "s") + " of an older template still running";
        }
        return counts;
    }

    List<String> images() {
        if (deployment.getSpec() == null
                || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getSpec() == null) {
            return List.of();
        }
        return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
                .map(Container::getImage)
                .filter(Objects::nonNull)
                .toList();
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

    /** The replica count its deploy asked for ({@link StateKeys#RELEASE_REPLICAS}); null when not recorded or edited. */
    Integer releaseReplicas() {
        String value = annotation(StateKeys.RELEASE_REPLICAS);
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException handEdited) {
            return null;
        }
    }

    /** The replica count recorded before its scale-down ({@link StateKeys#REPLICAS_BEFORE_SCALE_DOWN}); 0 if none. */
    int rememberedReplicas() {
        String remembered = annotation(StateKeys.REPLICAS_BEFORE_SCALE_DOWN);
        try {
            return remembered == null ? 0 : Integer.parseInt(remembered.trim());
        } catch (NumberFormatException handEdited) {
            return 0;
        }
    }

    /**
     * Whether it runs fewer replicas than before its scale-down ({@link StateKeys#REPLICAS_BEFORE_SCALE_DOWN}, kept
     * until a rollback restores it): scaled to 0, or scaled up by hand only part of the way.
     */
    boolean belowRemembered() {
        String remembered = annotation(StateKeys.REPLICAS_BEFORE_SCALE_DOWN);
        try {
            return remembered != null && desiredReplicas() < Integer.parseInt(remembered.trim());
        } catch (NumberFormatException handEdited) {
            return false;
        }
    }

    /**
     * Why the colour runs fewer replicas than its release asked for (scaled by hand since), as a sentence; null when
     * it does not, or nothing was recorded.
     */
    String belowRelease() {
        Integer asked = releaseReplicas();
        if (asked == null || (desiredReplicas() >= asked && readyReplicas() >= asked)) {
            return null;
        }
        return "Deployment " + name() + " runs " + desiredReplicas() + " replica" + (desiredReplicas() == 1 ? "" : "s")
                + " (" + readyReplicas() + " ready) but its release asked for " + asked + " (scaled by hand since "
                + "the deploy?)";
    }

    HealthProgress progress(Color color) {
        return new HealthProgress(
                name(), color, desiredReplicas(), updatedReplicas(), readyReplicas(), availableReplicas());
    }

    private DeploymentStatus status() {
        return deployment.getStatus();
    }

    private static int count(Integer value) {
        return value == null ? 0 : value;
    }
}
