package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import java.util.Map;

/** Cluster objects for pure tests and for seeding kube-sim. */
final class TestObjects {
    private TestObjects() {}

    static Deployment deployment(String name, Map<String, String> podLabels, int replicas, String image) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(podLabels)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(podLabels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    static Service service(String name, Map<String, String> selector) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withSelector(selector)
                .addNewPort()
                .withPort(80)
                .withNewTargetPort(8080)
                .endPort()
                .endSpec()
                .build();
    }

    /** A Deployment with the given status counts, as the controller reports them. */
    static Deployment withStatus(
            Deployment d, long generation, long observed, int total, int updated, int ready, int available) {
        return new DeploymentBuilder(d)
                .editMetadata()
                .withGeneration(generation)
                .endMetadata()
                .withNewStatus()
                .withObservedGeneration(observed)
                .withReplicas(total)
                .withUpdatedReplicas(updated)
                .withReadyReplicas(ready)
                .withAvailableReplicas(available)
                .endStatus()
                .build();
    }

    static Deployment withCondition(Deployment d, String type, String status, String reason, String message) {
        return new DeploymentBuilder(d)
                .editOrNewStatus()
                .addToConditions(new DeploymentConditionBuilder()
                        .withType(type)
                        .withStatus(status)
                        .withReason(reason)
                        .withMessage(message)
                        .build())
                .endStatus()
                .build();
    }

    static Pod readyPod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewStatus()
                .withPhase("Running")
                .addToConditions(new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus("True")
                        .build())
                .endStatus()
                .build();
    }

    static Pod waitingPod(String name, String reason, String message) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewStatus()
                .withPhase("Pending")
                .addToConditions(new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus("False")
                        .withReason("ContainersNotReady")
                        .build())
                .addToContainerStatuses(new ContainerStatusBuilder()
                        .withName("app")
                        .withReady(false)
                        .withNewState()
                        .withNewWaiting()
                        .withReason(reason)
                        .withMessage(message)
                        .endWaiting()
                        .endState()
                        .build())
                .endStatus()
                .build();
    }

    static Pod unschedulablePod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewStatus()
                .withPhase("Pending")
                .addToConditions(new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("False")
                        .withReason("Unschedulable")
                        .withMessage("0/1 nodes are available: 1 Insufficient cpu.")
                        .build())
                .endStatus()
                .build();
    }
}
