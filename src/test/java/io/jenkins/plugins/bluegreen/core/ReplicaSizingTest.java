package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplicaSizingTest {
    private final Deployment live = TestObjects.deployment("myapp-blue", Map.of("app", "myapp"), 4, "myapp:1");

    private static HorizontalPodAutoscaler hpa(String target, Integer desired) {
        return new HorizontalPodAutoscalerBuilder()
                .withNewMetadata()
                .withName("myapp")
                .endMetadata()
                .withNewSpec()
                .withMinReplicas(2)
                .withMaxReplicas(20)
                .withNewScaleTargetRef()
                .withApiVersion("apps/v1")
                .withKind("Deployment")
                .withName(target)
                .endScaleTargetRef()
                .endSpec()
                .withNewStatus()
                .withDesiredReplicas(desired)
                .withCurrentReplicas(desired)
                .endStatus()
                .build();
    }

    @Test
    void requestedCountWins() {
        assertThat(ReplicaSizing.decide(7, live, List.of(hpa("myapp-blue", 12)), null))
                .isEqualTo(new ReplicaSizing(7, null));
    }

    @Test
    void anHpaOnTheLiveColourDecidesAndIsReported() {
        assertThat(ReplicaSizing.decide(null, live, List.of(hpa("other", 3), hpa("myapp-blue", 12)), null))
                .isEqualTo(new ReplicaSizing(12, "myapp"));
    }

    @Test
    void otherwiseTheLiveColourCount() {
        assertThat(ReplicaSizing.decide(null, live, List.of(hpa("other", 3)), null))
                .isEqualTo(new ReplicaSizing(4, null));
    }

    @Test
    void withoutLiveColourTheManifestCountElseOne() {
        Deployment manifest = TestObjects.deployment("x", Map.of("app", "myapp"), 3, "i");
        assertThat(ReplicaSizing.decide(null, null, List.of(), manifest).replicas())
                .isEqualTo(3);
        assertThat(ReplicaSizing.decide(null, null, List.of(), null).replicas()).isEqualTo(1);
    }

    /** A count written down wins over one inferred: the option, then the manifest, then the live colour (or its HPA). */
    @Test
    void theManifestsCountWinsOverTheLiveColourAndTheOptionOverBoth() {
        Deployment manifest = TestObjects.deployment("x", Map.of("app", "myapp"), 3, "i");
        assertThat(ReplicaSizing.decide(null, live, List.of(hpa("myapp-blue", 12)), manifest))
                .isEqualTo(new ReplicaSizing(3, null));
        assertThat(ReplicaSizing.decide(7, live, List.of(), manifest).replicas())
                .isEqualTo(7);
    }
}
