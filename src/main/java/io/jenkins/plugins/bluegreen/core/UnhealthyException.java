package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/**
 * A colour's rollout failed for a reason that waiting will not cure (image pull error, crash loop, config error,
 * quota, unschedulable, progress deadline). Live traffic is untouched; abandon or fix and deploy again.
 */
public class UnhealthyException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final String deployment;
    private final String reason;
    private final List<PodProblem> pods;

    public UnhealthyException(String deployment, String reason, String detail, List<PodProblem> pods) {
        super(describe(deployment, reason, detail, pods));
        this.deployment = deployment;
        this.reason = reason;
        this.pods = List.copyOf(pods);
    }

    private static String describe(String deployment, String reason, String detail, List<PodProblem> pods) {
        StringBuilder text = new StringBuilder("Deployment ")
                .append(deployment)
                .append(" is unhealthy: ")
                .append(reason);
        if (detail != null && !detail.isBlank()) {
            text.append(" (").append(detail).append(')');
        }
        for (PodProblem pod : pods) {
            text.append("\n  ").append(pod);
        }
        text.append(
                "\nLive traffic was not touched; fix the cause and deploy again, or roll back to abandon this colour.");
        return text.toString();
    }

    public String deployment() {
        return deployment;
    }

    /** The Kubernetes reason, e.g. {@code ImagePullBackOff}, {@code CrashLoopBackOff}, {@code ProgressDeadlineExceeded}. */
    public String reason() {
        return reason;
    }

    /** The failing pods with their own reasons and messages; empty for Deployment-level failures such as quota. */
    public List<PodProblem> pods() {
        return pods;
    }
}
