package io.jenkins.plugins.bluegreen.core;

/**
 * A pod that is failing or not ready, with Kubernetes' own words for it.
 *
 * @param container the container concerned, or null for pod-level problems (e.g. Unschedulable)
 * @param reason    e.g. {@code ImagePullBackOff}, {@code CrashLoopBackOff}, {@code Unschedulable}, {@code NotReady}
 * @param message   the status message, or null when Kubernetes gave none
 */
public record PodProblem(String pod, String container, String reason, String message) {
    @Override
    public String toString() {
        return "pod " + pod + (container == null ? "" : " container " + container) + ": " + reason
                + (message == null || message.isBlank() ? "" : " — " + message);
    }
}
