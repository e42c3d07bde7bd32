package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The preview Service and the autoscaler follow every operation: the preview selects the idle colour's ready pods
 * once that release is healthy and the live colour at every other time (never a colour being deployed, abandoned or
 * left); the HPA scales the live colour.
 */
class FollowersTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(30));

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen = SIM.engine(namespace).build();

    private void release(String image) {
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image(image)
                .previewService("myapp-preview")
                .holder(HOLDER)
                .build());
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));
    }

    @Test
    void abandonMovesThePreviewOffTheAbandonedColourToTheLiveOne() {
        release("myapp:5");
        assertPreviewServes(Color.GREEN);

        blueGreen.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build()); // abandons green

        assertThat(apps.selector("myapp-preview")).containsEntry(COLOR, "blue");
        assertPreviewServes(Color.BLUE);
    }

    @Test
    void aRollbackToAColourDeployedWithoutThePreviewMovesItToo() {
        release("myapp:2");
        blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build());
        assertPreviewServes(Color.GREEN);

        blueGreen.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build()); // back to blue, seeded by hand

        assertThat(apps.selector("myapp-preview")).containsEntry(COLOR, "blue");
        assertPreviewServes(Color.BLUE);

        // the next deploy rewrites green: the preview shows blue until green is healthy, then green only
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .previewService("myapp-preview")
                .holder(HOLDER)
                .build());
        assertThat(apps.selector("myapp-preview")).containsEntry(COLOR, "blue");
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));
        assertPreviewServes(Color.GREEN);
    }

    @Test
    void theHpaFollowsTheLiveColourThroughSwitchRollbackAndAbandon() {
        SIM.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("myapp-hpa")
                        .endMetadata()
                        .withNewSpec()
                        .withMinReplicas(2)
                        .withMaxReplicas(10)
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("myapp-blue")
                        .endScaleTargetRef()
                        .endSpec()
                        .build())
                .create();

        release("myapp:2");
        assertThat(hpaTarget()).as("not touched by the deploy").isEqualTo("myapp-blue");

        blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build());
        assertThat(hpaTarget()).isEqualTo("myapp-green");

        blueGreen.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build());
        assertThat(hpaTarget()).isEqualTo("myapp-blue");

        release("myapp:3");
        blueGreen.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build()); // abandon: live stays scaled
        assertThat(hpaTarget()).isEqualTo("myapp-blue");
    }

    @Test
    void theHpaIsFollowedEvenWhenTheReleaseIsSizedByHand() {
        SIM.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("myapp-hpa")
                        .endMetadata()
                        .withNewSpec()
                        .withMinReplicas(2)
                        .withMaxReplicas(10)
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("myapp-blue")
                        .endScaleTargetRef()
                        .endSpec()
                        .build())
                .create();
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:2")
                .replicas(3)
                .holder(HOLDER)
                .build());
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));

        blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build());

        assertThat(hpaTarget()).isEqualTo("myapp-green");
    }

    private String hpaTarget() {
        return SIM.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .withName("myapp-hpa")
                .get()
                .getSpec()
                .getScaleTargetRef()
                .getName();
    }

    /** The preview's endpoints are exactly {@code color}'s pods, all ready (waits for the endpoints controller). */
    private void assertPreviewServes(Color color) {
        int replicas = apps.deployment("myapp-" + color.label()).getSpec().getReplicas();
        Eventually.until(Duration.ofSeconds(10), () -> {
            List<String> ready = previewEndpoints(true);
            return previewEndpoints(false).size() == ready.size()
                    && ready.size() == replicas
                    && ready.stream().allMatch(p -> p.startsWith("myapp-" + color.label() + "-"));
        });
    }

    private List<String> previewEndpoints(boolean readyOnly) {
        return SIM
                .client()
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", "myapp-preview")
                .list()
                .getItems()
                .stream()
                .flatMap((EndpointSlice s) -> s.getEndpoints() == null ? Stream.empty() : s.getEndpoints().stream())
                .filter(e -> !readyOnly || Boolean.TRUE.equals(e.getConditions().getReady()))
                .map(e -> e.getTargetRef().getName())
                .toList();
    }
}
