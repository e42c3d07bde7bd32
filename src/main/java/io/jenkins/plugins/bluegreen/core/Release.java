package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/**
 * What {@link BlueGreen#deploy} did: the new colour's Deployment is written (not necessarily ready yet).
 *
 * @param liveColor      the colour serving traffic (unchanged by deploy)
 * @param newColor       the idle colour that now runs the new version
 * @param replicas       the replica count the new colour was given
 * @param hpa            the HorizontalPodAutoscaler that targets the live colour and sized the new one, or null
 * @param previewService the preview Service that will follow the new colour once it is ready, or null
 * @param adoption       what adoption did when the app was not under blue-green yet, or null
 * @param releaseMarker  the marker this deploy put on the colour's pod template; {@link BlueGreen#awaitHealthy(Release,
 *                       java.time.Duration)} judges only that template, never one written by someone else meanwhile
 */
public record Release(String app, String namespace, String service, Color liveColor, Color newColor,
                      String deployment, List<String> images, String revision, int replicas, String hpa,
                      String previewService, AdoptionResult adoption, String releaseMarker) {
    public Release {
        images = List.copyOf(images);
    }
}
