package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/**
 * What {@link BlueGreen#deploy} did: the new colour's Deployment is written (not necessarily ready yet).
 *
 * @param hpa            the HorizontalPodAutoscaler that targets the live colour and sized the new one, or null
 * @param previewService the preview Service that will follow the new colour once it is ready, or null
 * @param adoption       what adoption did when the app was not under blue-green yet, or null
 * @param releaseMarker  this deploy's pod-template marker: awaiting health on this Release judges only that template
 */
public record Release(
        String app,
        String namespace,
        String service,
        Color liveColor,
        Color newColor,
        String deployment,
        List<String> images,
        String revision,
        int replicas,
        String hpa,
        String previewService,
        AdoptionResult adoption,
        String releaseMarker) {
    public Release {
        images = List.copyOf(images);
    }
}
