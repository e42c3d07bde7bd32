package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

/**
 * The app's HorizontalPodAutoscaler (autoscaling/v2) follows the live colour: a traffic change points its
 * {@code scaleTargetRef} from the colour left to the colour now live, so the serving colour is the one autoscaled and
 * the colour kept for a rollback (soon rewritten by the next deploy) is not. One HPA, retargeted, rather than one per
 * colour: a team keeps the HPA it has, and two HPAs would need their bounds kept in step by hand.
 *
 * <p>One JSON patch that tests the current target: it never moves an HPA someone pointed elsewhere, and needs no read.
 */
final class Autoscaler {
    private final EngineContext context;

    Autoscaler(EngineContext context) {
        this.context = context;
    }

    /** @return true when moved; false when the HPA is gone or does not target {@code from} (nothing changed) */
    boolean retarget(String hpa, String from, String to) {
        String path = "/spec/scaleTargetRef/name";
        String patch = new JsonPatchOps().test(path, from).replace(path, to).toString();
        HorizontalPodAutoscaler named = new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName(hpa)
                .withNamespace(context.namespace())
                .endMetadata()
                .build();
        boolean moved = context.cluster()
                .patch(
                        named,
                        PatchType.JSON,
                        patch,
                        h -> h.getSpec() != null
                                && h.getSpec().getScaleTargetRef() != null
                                && to.equals(h.getSpec().getScaleTargetRef().getName()))
                .isPresent();
        if (moved) {
            context.listener().info("HorizontalPodAutoscaler " + hpa + " now scales " + to + " (was " + from + ")");
        }
        return moved;
    }
}
