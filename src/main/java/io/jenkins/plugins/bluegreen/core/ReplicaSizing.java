package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.List;

/**
 * How many replicas a new colour gets: the request's count; else the manifest's {@code spec.replicas}; else as
 * many as the live colour runs right now.
 * When a HorizontalPodAutoscaler scales the live colour, its own current (desired) count is the truth, not the
 * Deployment's spec, which the HPA keeps rewriting. The HPA is reported, never retargeted.
 *
 * @param hpa the autoscaler that decided, or null
 */
record ReplicaSizing(int replicas, String hpa) {

    static ReplicaSizing decide(
            Integer requested, Deployment live, List<HorizontalPodAutoscaler> autoscalers, Deployment manifest) {
        if (requested != null) {
            return new ReplicaSizing(requested, null);
        }
        // a count written down (the option, then the manifest) wins over one inferred from the live colour
        if (manifest != null && manifest.getSpec().getReplicas() != null) {
            return new ReplicaSizing(manifest.getSpec().getReplicas(), null);
        }
        if (live != null) {
            String liveName = live.getMetadata().getName();
            for (HorizontalPodAutoscaler hpa : autoscalers) {
                if (hpa.getSpec() != null
                        && hpa.getSpec().getScaleTargetRef() != null
                        && "Deployment".equals(hpa.getSpec().getScaleTargetRef().getKind())
                        && liveName.equals(hpa.getSpec().getScaleTargetRef().getName())) {
                    return new ReplicaSizing(
                            hpaCount(hpa, live), hpa.getMetadata().getName());
                }
            }
            return new ReplicaSizing(new DeploymentView(live).desiredReplicas(), null);
        }
        return new ReplicaSizing(1, null);
    }

    private static int hpaCount(HorizontalPodAutoscaler hpa, Deployment live) {
        if (hpa.getStatus() != null
                && hpa.getStatus().getDesiredReplicas() != null
                && hpa.getStatus().getDesiredReplicas() > 0) {
            return hpa.getStatus().getDesiredReplicas();
        }
        if (hpa.getStatus() != null
                && hpa.getStatus().getCurrentReplicas() != null
                && hpa.getStatus().getCurrentReplicas() > 0) {
            return hpa.getStatus().getCurrentReplicas();
        }
        int fromDeployment = new DeploymentView(live).desiredReplicas();
        Integer min = hpa.getSpec().getMinReplicas();
        return Math.max(fromDeployment, min == null ? 1 : min);
    }
}
