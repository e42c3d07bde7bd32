package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;
import java.util.List;

/**
 * One colour's Deployment as seen by {@link BlueGreen#status}.
 *
 * @param exists      whether the Deployment exists (all other fields are empty/zero when not)
 * @param image       the first container's image, or null
 * @param replicas    spec.replicas
 * @param readyReplicas status.readyReplicas
 * @param scaleDownAt when it is scheduled to be scaled down, or null
 * @param selectedByService whether the live Service's selector picks its pods: the live colour — or, while an
 *                    adoption that was cut short left the Service without its colour key, the adopted colour, which
 *                    then serves beside the old Deployment
 */
public record ColorStatus(Color color, String deployment, boolean exists, String image, List<String> images,
                          int replicas, int readyReplicas, String revision, Instant deployedAt, Instant scaleDownAt,
                          boolean selectedByService) {
    public ColorStatus {
        images = List.copyOf(images);
    }
}
