package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.util.List;

/**
 * A colour whose rollout completed: every desired replica is updated, ready and available.
 *
 * @param revision the {@code bluegreen.jenkins.io/revision} annotation of the Deployment, or null if it has none
 * @param elapsed  how long the wait took
 * @param tested   what the pods found healthy run: their pod-template-hash and image digests; what a person approves
 *                 and a switch's {@code expectRevision} takes. Null when no pod reported it
 */
public record HealthSummary(
        String app,
        Color color,
        String deployment,
        int replicas,
        List<String> images,
        String revision,
        Duration elapsed,
        Revision tested) {
    public HealthSummary {
        images = List.copyOf(images);
    }

    public HealthSummary(
            String app,
            Color color,
            String deployment,
            int replicas,
            List<String> images,
            String revision,
            Duration elapsed) {
        this(app, color, deployment, replicas, images, revision, elapsed, null);
    }
}
