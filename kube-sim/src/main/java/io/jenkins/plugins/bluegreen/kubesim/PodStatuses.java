package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerState;
import io.fabric8.kubernetes.api.model.ContainerStateBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Builds the pod statuses a kubelet would report, in the shapes clients parse reasons from. */
final class PodStatuses {

    static final String NODE_IP = "10.0.0.10";

    private PodStatuses() {}

    /** Pending, not scheduled. */
    static final String UNSCHEDULABLE = "0/1 nodes are available: 1 Insufficient cpu. preemption: 0/1 nodes are "
            + "available: 1 No preemption victims found for incoming pod.";

    static PodStatus unschedulable(Pod pod) {
        PodStatus s = base("Pending", null, null);
        s.setConditions(List.of(new PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withLastTransitionTime(Pods.now())
                .withMessage(UNSCHEDULABLE)
                .build()));
        return s;
    }

    /** Pending with every container waiting for the given reason. */
    static PodStatus waiting(Pod pod, String startTime, String reason, String message) {
        PodStatus s = base("Pending", startTime, null);
        s.setConditions(conditions(false, true));
        ContainerState state = new ContainerStateBuilder()
                .withNewWaiting()
                .withReason(reason)
                .withMessage(message)
                .endWaiting()
                .build();
        s.setContainerStatuses(containers(pod, c -> new ContainerStatusBuilder()
                .withName(c.getName())
                .withImage(c.getImage())
                .withImageID("")
                .withReady(false)
                .withStarted(false)
                .withRestartCount(0)
                .withState(state)
                .build()));
        return s;
    }

    /** Running, containers started, ready or not. */
    static PodStatus running(
            Pod pod, String startTime, String ip, boolean ready, String runningSince, Map<String, String> imageIds) {
        PodStatus s = base("Running", startTime, ip);
        s.setConditions(conditions(ready, true));
        s.setContainerStatuses(containers(pod, c -> new ContainerStatusBuilder()
                .withName(c.getName())
                .withImage(ImageRef.parse(c.getImage()).full())
                .withImageID(imageIds.getOrDefault(c.getName(), ""))
                .withContainerID(containerId(pod, c, 0))
                .withReady(ready)
                .withStarted(true)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .withStartedAt(runningSince)
                .endRunning()
                .endState()
                .build()));
        return s;
    }

    /** Running phase, containers in CrashLoopBackOff after {@code restarts} restarts. */
    static PodStatus crashLooping(Pod pod, String startTime, String ip, int restarts, Map<String, String> imageIds) {
        PodStatus s = base("Running", startTime, ip);
        s.setConditions(conditions(false, true));
        String now = Pods.now();
        s.setContainerStatuses(containers(pod, c -> new ContainerStatusBuilder()
                .withName(c.getName())
                .withImage(ImageRef.parse(c.getImage()).full())
                .withImageID(imageIds.getOrDefault(c.getName(), ""))
                .withContainerID(containerId(pod, c, restarts))
                .withReady(false)
                .withStarted(false)
                .withRestartCount(restarts)
                .withNewState()
                .withNewWaiting()
                .withReason("CrashLoopBackOff")
                .withMessage(
                        "back-off " + Math.min(10 << Math.min(restarts - 1, 5), 300) + "s restarting failed container="
                                + c.getName() + " pod=" + pod.getMetadata().getName() + "_"
                                + pod.getMetadata().getNamespace()
                                + "(" + pod.getMetadata().getUid() + ")")
                .endWaiting()
                .endState()
                .withNewLastState()
                .withNewTerminated()
                .withExitCode(1)
                .withReason("Error")
                .withStartedAt(now)
                .withFinishedAt(now)
                .withContainerID(containerId(pod, c, restarts))
                .endTerminated()
                .endLastState()
                .build()));
        return s;
    }

    private static PodStatus base(String phase, String startTime, String ip) {
        PodStatus s = new PodStatus();
        s.setPhase(phase);
        s.setQosClass("BestEffort");
        if (startTime != null) {
            s.setStartTime(startTime);
            s.setHostIP(NODE_IP);
            s.setHostIPs(List.of(new io.fabric8.kubernetes.api.model.HostIP(NODE_IP)));
        }
        if (ip != null) {
            s.setPodIP(ip);
            s.setPodIPs(List.of(new PodIP(ip)));
        }
        return s;
    }

    private static List<PodCondition> conditions(boolean ready, boolean scheduled) {
        String now = Pods.now();
        List<PodCondition> out = new ArrayList<>();
        out.add(cond("Initialized", true, now, null));
        out.add(cond("Ready", ready, now, ready ? null : "ContainersNotReady"));
        out.add(cond("ContainersReady", ready, now, ready ? null : "ContainersNotReady"));
        out.add(cond("PodScheduled", scheduled, now, null));
        return out;
    }

    private static PodCondition cond(String type, boolean status, String now, String reason) {
        return new PodConditionBuilder()
                .withType(type)
                .withStatus(status ? "True" : "False")
                .withLastTransitionTime(now)
                .withReason(reason)
                .build();
    }

    private static List<ContainerStatus> containers(Pod pod, Function<Container, ContainerStatus> f) {
        return pod.getSpec().getContainers().stream().map(f).toList();
    }

    private static String containerId(Pod pod, Container c, int restarts) {
        return "containerd://" + hex((pod.getMetadata().getUid() + c.getName() + restarts).hashCode()) + hex(7);
    }

    private static String hex(int seed) {
        StringBuilder sb = new StringBuilder();
        long x = seed & 0xffffffffL;
        for (int i = 0; i < 4; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            sb.append(String.format("%016x", x));
        }
        return sb.substring(0, 32);
    }
}
