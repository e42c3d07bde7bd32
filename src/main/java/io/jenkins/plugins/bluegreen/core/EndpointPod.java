package io.jenkins.plugins.bluegreen.core;

/**
 * One pod behind the live Service, as its EndpointSlices list it: what users actually reach.
 *
 * @param pod   the pod's name (the endpoint's targetRef), or its address when the endpoint names no pod
 * @param color the colour whose Deployment owns the pod, or null when it belongs to neither colour
 * @param ready whether the endpoint is ready, i.e. receives traffic
 */
public record EndpointPod(String pod, Color color, boolean ready) {}
