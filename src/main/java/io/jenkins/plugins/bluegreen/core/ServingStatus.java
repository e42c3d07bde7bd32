package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/**
 * What the live Service's endpoints hold: the pods users reach, judged from its EndpointSlices rather than from a
 * Deployment's status.
 *
 * @param endpoints every endpoint, ready or not, in the order the slices list them
 * @param problem   why users do not get the live colour's ready pods (no ready pod, a pod of no colour or of the
 *                  other colour, a selector key no pod carries), or null when they do
 */
public record ServingStatus(List<EndpointPod> endpoints, String problem) {
    public ServingStatus {
        endpoints = List.copyOf(endpoints);
    }

    public int ready() {
        return (int) endpoints.stream().filter(EndpointPod::ready).count();
    }

    public int ready(Color color) {
        return (int)
                endpoints.stream().filter(e -> e.ready() && e.color() == color).count();
    }

    public boolean ok() {
        return problem == null;
    }
}
