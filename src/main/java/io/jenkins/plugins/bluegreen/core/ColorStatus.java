package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;
import java.util.List;

/**
 * One colour's Deployment as seen by {@link BlueGreen#status}.
 *
 * @param exists            whether the Deployment exists (all other fields are empty/zero when not)
 * @param image             the first container's image, or null
 * @param scaleDownAt       when it is scheduled to be scaled down, or null
 * @param selectedByService whether the live Service's selector picks its pods (after a cut-short adoption, too: see
 *                          docs/architecture.md, Public API)
 */
public record ColorStatus(
        Color color,
        String deployment,
        boolean exists,
        String image,
        List<String> images,
        int replicas,
        int readyReplicas,
        String revision,
        Instant deployedAt,
        Instant scaleDownAt,
        boolean selectedByService) {
    public ColorStatus {
        images = List.copyOf(images);
    }
}
