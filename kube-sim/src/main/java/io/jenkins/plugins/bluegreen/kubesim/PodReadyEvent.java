package io.jenkins.plugins.bluegreen.kubesim;

/**
 * A pod that kube-sim has just marked Ready.
 *
 * @param namespace the pod's namespace
 * @param name the pod's name
 * @param nanoTime {@link System#nanoTime()} right after the Ready status was stored (and its
 *     watch events queued), for measuring how fast a client notices
 */
public record PodReadyEvent(String namespace, String name, long nanoTime) {}
