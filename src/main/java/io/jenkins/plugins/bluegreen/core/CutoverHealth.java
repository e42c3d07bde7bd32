package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The verdict on a colour that just went live, pod by pod, against what it was when the window opened: a container
 * in a failing waiting state (CrashLoopBackOff and the other reasons {@link RolloutHealth} fails fast on), a restart
 * since the window opened, or a pod that was Ready and is not any more. Pure apart from the memory of what each pod
 * was (restart counts at first sight, pods seen Ready); one instance per verification, called under its lock.
 */
final class CutoverHealth {
    private final Map<String, Integer> restartsAtFirstSight = new HashMap<>();
    private final Set<String> seenReady = new HashSet<>();

    /** The failing pods among {@code pods} (the colour's, from the informer's cache), one problem per pod. */
    List<PodProblem> problems(List<Pod> pods) {
        List<PodProblem> problems = new ArrayList<>();
        for (Pod pod : pods) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue; // going away on purpose (scale-in, a node drain): the endpoints count judges what is left
            }
            PodProblem problem = problem(pod);
            if (problem != null) {
                problems.add(problem);
            }
        }
        return problems;
    }

    private PodProblem problem(Pod pod) {
        String uid = pod.getMetadata().getUid();
        String name = pod.getMetadata().getName();
        PodProblem failing = RolloutHealth.fatalProblem(pod);
        PodProblem restarted = null;
        for (ContainerStatus status : RolloutHealth.containerStatuses(pod)) {
            int restarts = status.getRestartCount() == null ? 0 : status.getRestartCount();
            Integer before = restartsAtFirstSight.putIfAbsent(uid + "/" + status.getName(), restarts);
            if (before != null && restarts > before && restarted == null) {
                restarted = new PodProblem(
                        name,
                        status.getName(),
                        "Restarted",
                        "restartCount " + before + " → " + restarts + lastExit(status));
            }
        }
        boolean ready = RolloutHealth.isReady(pod);
        PodProblem lostReadiness = null;
        if (ready) {
            seenReady.add(uid);
        } else if (seenReady.contains(uid)) {
            lostReadiness = new PodProblem(name, null, "NotReady", "was Ready, lost readiness" + readyMessage(pod));
        }
        // the most telling first: the kubelet's own reason, then the restart, then readiness alone
        return failing != null ? failing : restarted != null ? restarted : lostReadiness;
    }

    private static String lastExit(ContainerStatus status) {
        if (status.getLastState() == null || status.getLastState().getTerminated() == null) {
            return "";
        }
        var terminated = status.getLastState().getTerminated();
        return "; last exit: " + terminated.getReason()
                + (terminated.getExitCode() == null ? "" : ", exit code " + terminated.getExitCode());
    }

    private static String readyMessage(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return "";
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType()) && c.getReason() != null) {
                return " (" + c.getReason() + ")";
            }
        }
        return "";
    }
}
