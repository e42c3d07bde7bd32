package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.util.List;

/**
 * A colour whose rollout completed: every desired replica is updated, ready and available.
 *
 * @param revision the {@code bluegreen.jenkins.io/revision} annotation of the Deployment, or null if it has none
 * @param elapsed  how long the wait took
 */
public record HealthSummary(String app, Color color, String deployment, int replicas, List<String> images,
                            String revision, Duration elapsed) {
    public HealthSummary {
        images = List.copyOf(images);
    }
}
