package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.LinkedHashMap;
import java.util.Map;

/** Editing a Deployment's annotations as a map: a copy to change, then a copy of the Deployment carrying it. */
final class DeploymentAnnotations {
    private DeploymentAnnotations() {}

    /** A mutable copy of {@code deployment}'s annotations, in their order; empty when it has none. */
    static Map<String, String> copyOf(Deployment deployment) {
        Map<String, String> annotations = deployment.getMetadata().getAnnotations();
        return new LinkedHashMap<>(annotations == null ? Map.of() : annotations);
    }

    /** A copy of {@code deployment} whose annotations are exactly {@code annotations}. */
    static Deployment with(Deployment deployment, Map<String, String> annotations) {
        return new DeploymentBuilder(deployment)
                .editMetadata()
                .withAnnotations(annotations)
                .endMetadata()
                .build();
    }
}
