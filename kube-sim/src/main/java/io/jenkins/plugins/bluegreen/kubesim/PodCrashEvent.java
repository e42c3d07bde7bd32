package io.jenkins.plugins.bluegreen.kubesim;

/**
 * A pod whose container kube-sim has just put into CrashLoopBackOff.
 *
 * @param namespace the pod's namespace
 * @param name the pod's name
 * @param restarts the container's restartCount in the status just stored
 * @param nanoTime {@link System#nanoTime()} right after that status was stored (and its watch
 *     events queued), for measuring how fast a client reacts
 */
public record PodCrashEvent(String namespace, String name, int restarts, long nanoTime) {}
