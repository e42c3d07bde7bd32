package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IdleDeploymentPlanTest {
    private static final String COLOR = "bluegreen.jenkins.io/color";
    private final BlueGreenSettings settings = BlueGreenSettings.defaults();
    private final Deployment live = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(TestObjects.deployment(
                    "myapp-blue", Map.of("app", "myapp", "version", "v1", COLOR, "blue"), 10, "myapp:1"))
            .editSpec()
            .withMinReadySeconds(5)
            .endSpec()
            .build();

    private IdleDeploymentPlan fromLive(String image, String container) {
        return new IdleDeploymentPlan(
                "myapp",
                Color.GREEN,
                "shop",
                settings,
                Map.of("app", "myapp"),
                live,
                false,
                image,
                container,
                10,
                null,
                "https://ci/job/7/",
                "2026-11-26T10:00:00Z",
                "myapp",
                "myapp-preview");
    }

    @Test
    void copiesTheLiveTemplateWithTheNewImageAndColour() {
        Deployment desired = fromLive("myapp:2", null).desired();

        assertThat(desired.getMetadata().getName()).isEqualTo("myapp-green");
        assertThat(desired.getMetadata().getNamespace()).isEqualTo("shop");
        assertThat(desired.getMetadata().getLabels()).containsOnly(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(desired.getSpec().getSelector().getMatchLabels())
                .containsOnly(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(desired.getSpec().getTemplate().getMetadata().getLabels())
                .containsOnly(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(desired.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:2");
        assertThat(desired.getSpec().getReplicas()).isEqualTo(10);
        assertThat(desired.getSpec().getMinReadySeconds()).isEqualTo(5);
    }

    @Test
    void annotatesRevisionImagesBuildTimeAndServices() {
        Deployment desired = fromLive("registry:5000/team/myapp:2.1", null).desired();

        assertThat(desired.getMetadata().getAnnotations())
                .contains(
                        entry("bluegreen.jenkins.io/revision", "2.1"),
                        entry("bluegreen.jenkins.io/images", "registry:5000/team/myapp:2.1"),
                        entry("bluegreen.jenkins.io/build-url", "https://ci/job/7/"),
                        entry("bluegreen.jenkins.io/deployed-at", "2026-11-26T10:00:00Z"),
                        entry("bluegreen.jenkins.io/service", "myapp"),
                        entry("bluegreen.jenkins.io/preview-service", "myapp-preview"));
        assertThat(desired.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry(StateKeys.RELEASE, "2026-11-26T10:00:00Z");
    }

    @Test
    void overridesANamedContainerOnly() {
        Deployment twoContainers = new io.fabric8.kubernetes.api.model.apps.DeploymentBuilder(live)
                .editSpec()
                .editTemplate()
                .editSpec()
                .addNewContainer()
                .withName("sidecar")
                .withImage("proxy:1")
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        IdleDeploymentPlan plan = new IdleDeploymentPlan(
                "myapp",
                Color.GREEN,
                "shop",
                settings,
                Map.of("app", "myapp"),
                twoContainers,
                false,
                "proxy:2",
                "sidecar",
                1,
                "r9",
                null,
                "t",
                "myapp",
                null);

        Deployment desired = plan.desired();

        assertThat(desired.getSpec().getTemplate().getSpec().getContainers())
                .extracting(c -> c.getImage())
                .containsExactly("myapp:1", "proxy:2");
        assertThat(desired.getMetadata().getAnnotations())
                .containsEntry("bluegreen.jenkins.io/revision", "r9")
                .containsEntry("bluegreen.jenkins.io/images", "myapp:1,proxy:2");
    }

    @Test
    void unknownContainerNamesTheFieldAndTheChoices() {
        assertThatThrownBy(() -> fromLive("myapp:2", "nope").desired())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("container");
                    assertThat(e.getMessage()).contains("[app]");
                });
    }

    @Test
    void manifestKeepsItsLabelsAndSelectorAndGetsTheColourAdded() {
        Deployment manifest = DeploymentManifest.parse(DeploymentManifestTest.VALID, new KubernetesSerialization());
        IdleDeploymentPlan plan = new IdleDeploymentPlan(
                "myapp",
                Color.BLUE,
                "shop",
                settings,
                Map.of("app", "myapp"),
                manifest,
                true,
                null,
                null,
                4,
                null,
                null,
                "t",
                "myapp",
                null);

        Deployment desired = plan.desired();

        assertThat(desired.getMetadata().getName()).isEqualTo("myapp-blue");
        assertThat(desired.getSpec().getSelector().getMatchLabels())
                .containsOnly(entry("app", "myapp"), entry(COLOR, "blue"));
        assertThat(desired.getSpec().getTemplate().getMetadata().getLabels())
                .containsOnly(entry("app", "myapp"), entry("version", "v2"), entry(COLOR, "blue"));
        assertThat(desired.getSpec().getReplicas()).isEqualTo(4);
        assertThat(desired.getMetadata().getAnnotations()).containsEntry("bluegreen.jenkins.io/revision", "2");
    }

    @Test
    void manifestWhosePodsTheServiceWouldNotSelectIsRefused() {
        Deployment manifest = DeploymentManifest.parse(DeploymentManifestTest.VALID, new KubernetesSerialization());
        IdleDeploymentPlan plan = new IdleDeploymentPlan(
                "myapp",
                Color.BLUE,
                "shop",
                settings,
                Map.of("app", "myapp", "tier", "web"),
                manifest,
                true,
                null,
                null,
                4,
                null,
                null,
                "t",
                "myapp",
                null);

        assertThatThrownBy(plan::desired).isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field())
                .isEqualTo("manifest"));
    }

    @Test
    void defaultRevisionIsTheTagOrDigestElseTheDeployTime() {
        IdleDeploymentPlan plan = fromLive(null, null);
        assertThat(plan.defaultRevision(java.util.List.of("myapp@sha256:abc"))).isEqualTo("sha256:abc");
        assertThat(plan.defaultRevision(java.util.List.of("registry:5000/myapp")))
                .isEqualTo("2026-11-26T10:00:00Z");
    }
}
