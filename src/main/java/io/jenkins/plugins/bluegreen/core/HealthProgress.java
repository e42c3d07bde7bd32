package io.jenkins.plugins.bluegreen.core;

/**
 * A snapshot of a colour's rollout, sent to {@link ReleaseListener#progress} whenever it changes.
 *
 * @param desired   spec.replicas
 * @param updated   status.updatedReplicas (pods of the current template)
 * @param ready     status.readyReplicas
 * @param available status.availableReplicas (ready for at least minReadySeconds)
 */
public record HealthProgress(String deployment, Color color, int desired, int updated, int ready, int available) {

    /** "7/10 ready (8 updated, 6 available)". */
    public String summary() {
        return ready + "/" + desired + " ready (" + updated + " updated, " + available + " available)";
    }

    @Override
    public String toString() {
        return deployment + ": " + summary();
    }
}
