package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.Rbac;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dry run needs the verbs of the real run and no others: with docs/rbac.yaml as it is, every operation plans under
 * RBAC, and a Role without the write's verb refuses the dry run as it refuses the write.
 */
class DryRunPermissionsTest {
    @RegisterExtension
    static final KubeSimExtension SIM =
            new KubeSimExtension(KubeSim.builder().rbac(true).readyDelay(Duration.ofMillis(50)));

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String JENKINS = "system:serviceaccount:ci:jenkins";

    private static String token;
    private static List<HasMetadata> rbacYaml;

    @BeforeAll
    static void clusterScopedPart() throws IOException {
        token = SIM.sim().rbac().serviceAccountToken("ci", "jenkins");
        try (InputStream in = Files.newInputStream(PermissionsTest.RBAC_YAML)) {
            rbacYaml = SIM.client().load(in).items();
        }
        rbacYaml.stream()
                .filter(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding)
                .forEach(o -> SIM.client().resource(o).create());
    }

    private String namespace(boolean withUpdateOnServices) {
        String ns = SIM.newNamespace();
        for (HasMetadata o : rbacYaml) {
            if (o instanceof Role role && !withUpdateOnServices) {
                role.getRules().stream()
                        .filter(r -> r.getResources().contains("services"))
                        .forEach(r -> r.setVerbs(r.getVerbs().stream()
                                .filter(v -> !v.equals("update"))
                                .toList()));
                SIM.client().resource(role).inNamespace(ns).create();
            } else if (o instanceof Role || o instanceof RoleBinding) {
                SIM.client().resource(o).inNamespace(ns).create();
            }
        }
        new SimApps(SIM.client(), ns).seedLive("myapp", Color.BLUE, 2, "myapp:1");
        SIM.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("myapp-hpa")
                        .endMetadata()
                        .withNewSpec()
                        .withMinReplicas(2)
                        .withMaxReplicas(4)
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("myapp-blue")
                        .endScaleTargetRef()
                        .endSpec()
                        .build())
                .create();
        return ns;
    }

    @Test
    void theRoleInDocsIsEnoughForDryRunsOfEveryWritingOperation() {
        String ns = namespace(true);
        try (KubernetesClient client = SIM.sim().newClient(ns, token)) {
            BlueGreen engine = BlueGreen.builder(client).namespace(ns).build();
            BlueGreen deploy = engine.dryRun();
            deploy.awaitHealthy(
                    deploy.deploy(DeployRequest.builder("myapp")
                            .image("myapp:2")
                            .previewService("myapp-preview")
                            .holder(HOLDER)
                            .build()),
                    WAIT);
            engine.awaitHealthy(
                    engine.deploy(DeployRequest.builder("myapp")
                            .image("myapp:2")
                            .holder(HOLDER)
                            .build()),
                    WAIT);
            BlueGreen abandon = engine.dryRun();
            abandon.abandon("myapp", HOLDER);
            BlueGreen switching = engine.dryRun();
            switching.switchTraffic(
                    SwitchRequest.builder("myapp").holder(HOLDER).build());

            assertThat(deploy.plan().writes())
                    .extracting(PlannedWrite::target)
                    .contains("create Deployment myapp-green", "create Service myapp-preview");
            assertThat(abandon.plan().writes())
                    .extracting(PlannedWrite::target)
                    .contains("update Deployment myapp-green");
            assertThat(switching.plan().writes())
                    .extracting(PlannedWrite::target)
                    .contains("update Service myapp", "patch HorizontalPodAutoscaler myapp-hpa");
        }
        assertThat(SIM.sim().rbac().decisions().stream()
                        .filter(d -> d.user().equals(JENKINS) && ns.equals(d.namespace()) && !d.allowed()))
                .as("refused")
                .isEmpty();
    }

    @Test
    void withoutTheWritesVerbTheDryRunIsRefusedAsTheWrite() {
        String ns = namespace(false);
        try (KubernetesClient client = SIM.sim().newClient(ns, token)) {
            BlueGreen engine = BlueGreen.builder(client).namespace(ns).build();
            assertThatThrownBy(() -> engine.dryRun()
                            .deploy(DeployRequest.builder("myapp")
                                    .image("myapp:2")
                                    .holder(HOLDER)
                                    .build()))
                    .isInstanceOf(PermissionDeniedException.class)
                    .hasMessageContaining("update")
                    .hasMessageContaining("services");
        }
        assertThat(SIM.sim().rbac().decisions().stream()
                        .filter(d -> ns.equals(d.namespace()) && !d.allowed())
                        .map(Rbac.Decision::verb))
                .contains("update");
    }
}
