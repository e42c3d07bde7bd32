package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The health verdict on a colour, as a pure function of its Deployment and pods, so every rule is unit-tested
 * without a cluster. Completion follows the Deployment status ({@code kubectl rollout status} semantics);
 * failure is decided from the reasons Kubernetes itself reports, on the Deployment or on this release's pods.
 */
final class RolloutHealth {

    /** Container waiting reasons that do not go away by waiting. */
    static final Set<String> FATAL_WAITING_REASONS = Set.of(
            "ImagePullBackOff",
            "ErrImagePull",
            "InvalidImageName",
            "CrashLoopBackOff",
            "CreateContainerConfigError",
            "CreateContainerError",
            "RunContainerError",
            "ErrImageNeverPull");

    private RolloutHealth() {}

    static HealthVerdict evaluate(Deployment deployment, Color color, Collection<Pod> pods) {
        DeploymentView view = new DeploymentView(deployment);
        HealthProgress progress = view.progress(color);

        DeploymentCondition deadline = condition(deployment, "Progressing");
        if (deadline != null
                && "False".equals(deadline.getStatus())
                && "ProgressDeadlineExceeded".equals(deadline.getReason())) {
            return new HealthVerdict.Failed(
                    progress, "ProgressDeadlineExceeded", deadline.getMessage(), podProblems(deployment, pods, false));
        }
        DeploymentCondition replicaFailure = condition(deployment, "ReplicaFailure");
        if (replicaFailure != null && "True".equals(replicaFailure.getStatus())) {
            return new HealthVerdict.Failed(
                    progress,
                    reasonOr(replicaFailure.getReason(), "ReplicaFailure"),
                    replicaFailure.getMessage(),
                    List.of());
        }
        List<PodProblem> fatal = podProblems(deployment, pods, true);
        if (!fatal.isEmpty()) {
            return new HealthVerdict.Failed(progress, fatal.get(0).reason(), null, fatal);
        }
        if (view.rolloutComplete()) {
            return new HealthVerdict.Healthy(progress);
        }
        return new HealthVerdict.Progressing(progress, podProblems(deployment, pods, false));
    }

    /**
     * Problems of this release's pods, by pod name: with {@code fatalOnly} only those waiting will not cure
     * (container waiting reasons above, Unschedulable); otherwise every pod that is not ready, with the best reason.
     */
    static List<PodProblem> podProblems(Deployment deployment, Collection<Pod> pods, boolean fatalOnly) {
        List<PodProblem> problems = new ArrayList<>();
        currentPods(deployment, pods)
                .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
                .forEach(pod -> {
                    PodProblem problem = fatalProblem(pod);
                    if (problem == null && !fatalOnly && !isReady(pod)) {
                        problem = notReadyProblem(pod);
                    }
                    if (problem != null) {
                        problems.add(problem);
                    }
                });
        return List.copyOf(problems);
    }

    /**
     * This release's pods: when the template carries our release marker, only pods with the same marker, so a
     * previous release's crashing pods that are being replaced do not fail the new one. Terminating pods never count.
     */
    static Stream<Pod> currentPods(Deployment deployment, Collection<Pod> pods) {
        String release = templateAnnotation(deployment, StateKeys.RELEASE);
        return pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(p -> release == null || release.equals(Labels.annotation(p, StateKeys.RELEASE)));
    }

    static PodProblem fatalProblem(Pod pod) {
        String name = pod.getMetadata().getName();
        if (pod.getStatus() == null) {
            return null;
        }
        for (ContainerStatus status : containerStatuses(pod)) {
            if (status.getState() != null && status.getState().getWaiting() != null) {
                String reason = status.getState().getWaiting().getReason();
                if (reason != null && FATAL_WAITING_REASONS.contains(reason)) {
                    return new PodProblem(
                            name,
                            status.getName(),
                            reason,
                            status.getState().getWaiting().getMessage());
                }
            }
        }
        for (PodCondition condition : conditions(pod)) {
            if ("PodScheduled".equals(condition.getType())
                    && "False".equals(condition.getStatus())
                    && "Unschedulable".equals(condition.getReason())) {
                return new PodProblem(name, null, "Unschedulable", condition.getMessage());
            }
        }
        return null;
    }

    private static PodProblem notReadyProblem(Pod pod) {
        String name = pod.getMetadata().getName();
        for (ContainerStatus status : containerStatuses(pod)) {
            if (status.getState() != null && status.getState().getWaiting() != null) {
                return new PodProblem(
                        name,
                        status.getName(),
                        reasonOr(status.getState().getWaiting().getReason(), "Waiting"),
                        status.getState().getWaiting().getMessage());
            }
            if (status.getState() != null && status.getState().getTerminated() != null) {
                return new PodProblem(
                        name,
                        status.getName(),
                        reasonOr(status.getState().getTerminated().getReason(), "Terminated"),
                        status.getState().getTerminated().getMessage());
            }
        }
        for (PodCondition condition : conditions(pod)) {
            if ("Ready".equals(condition.getType()) && !"True".equals(condition.getStatus())) {
                return new PodProblem(name, null, reasonOr(condition.getReason(), "NotReady"), condition.getMessage());
            }
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return new PodProblem(name, null, "NotReady", phase == null ? null : "phase " + phase);
    }

    static boolean isReady(Pod pod) {
        return conditions(pod).stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    static List<ContainerStatus> containerStatuses(Pod pod) {
        if (pod.getStatus() == null) {
            return List.of();
        }
        List<ContainerStatus> all = new ArrayList<>();
        if (pod.getStatus().getInitContainerStatuses() != null) {
            all.addAll(pod.getStatus().getInitContainerStatuses());
        }
        if (pod.getStatus().getContainerStatuses() != null) {
            all.addAll(pod.getStatus().getContainerStatuses());
        }
        return all;
    }

    private static List<PodCondition> conditions(Pod pod) {
        return pod.getStatus() == null || pod.getStatus().getConditions() == null
                ? List.of()
                : pod.getStatus().getConditions();
    }

    private static DeploymentCondition condition(Deployment deployment, String type) {
        if (deployment.getStatus() == null || deployment.getStatus().getConditions() == null) {
            return null;
        }
        return deployment.getStatus().getConditions().stream()
                .filter(c -> type.equals(c.getType()))
                .findFirst()
                .orElse(null);
    }

    private static String templateAnnotation(Deployment deployment, String key) {
        if (deployment.getSpec() == null
                || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getMetadata() == null) {
            return null;
        }
        Map<String, String> annotations =
                deployment.getSpec().getTemplate().getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    private static String reasonOr(String reason, String fallback) {
        return reason == null || reason.isBlank() ? fallback : reason;
    }
}
