package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class DeploymentControllerTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(200)));

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Deployment get(KubernetesClient c, String ns, String name) {
        return c.apps().deployments().inNamespace(ns).withName(name).get();
    }

    private static String condition(Deployment d, String type) {
        if (d.getStatus() == null || d.getStatus().getConditions() == null) {
            return null;
        }
        return d.getStatus().getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .map(DeploymentCondition::getReason)
                .findFirst()
                .orElse(null);
    }

    @Test
    void deploymentGetsReplicaSetPodsAndCompleteStatus() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        Map<String, String> labels = Map.of("app", "web");
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("web", "web:1", 3, labels))
                .create();

        await(WAIT, "rollout complete", () -> {
            Deployment d = get(c, ns, "web");
            return d.getStatus() != null
                    && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas())
                    && "NewReplicaSetAvailable".equals(condition(d, "Progressing"));
        });
        Deployment d = get(c, ns, "web");
        assertThat(d.getStatus().getObservedGeneration())
                .isEqualTo(d.getMetadata().getGeneration());
        assertThat(d.getStatus().getReplicas()).isEqualTo(3);
        assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(3);
        assertThat(d.getStatus().getReadyReplicas()).isEqualTo(3);
        assertThat(d.getStatus().getUnavailableReplicas()).isNull();
        assertThat(condition(d, "Available")).isEqualTo("MinimumReplicasAvailable");

        List<ReplicaSet> rss = c.apps().replicaSets().inNamespace(ns).list().getItems();
        assertThat(rss).hasSize(1);
        ReplicaSet rs = rss.get(0);
        String hash = rs.getMetadata().getLabels().get("pod-template-hash");
        assertThat(hash).isNotBlank();
        assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
        assertThat(rs.getMetadata().getOwnerReferences().get(0).getUid())
                .isEqualTo(d.getMetadata().getUid());
        assertThat(rs.getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "1");

        List<Pod> pods = c.pods().inNamespace(ns).withLabel("app", "web").list().getItems();
        assertThat(pods).hasSize(3).allSatisfy(p -> {
            assertThat(p.getMetadata().getLabels()).containsEntry("pod-template-hash", hash);
            assertThat(p.getMetadata().getOwnerReferences().get(0).getName())
                    .isEqualTo(rs.getMetadata().getName());
            assertThat(p.getStatus().getPhase()).isEqualTo("Running");
            assertThat(p.getStatus().getPodIP()).startsWith("10.244.");
            // the image as the container runtime reports it: a Docker Hub name in full
            assertThat(p.getStatus().getContainerStatuses().get(0).getImage()).isEqualTo("docker.io/library/web:1");
            assertThat(p.getStatus().getContainerStatuses().get(0).getReady()).isTrue();
        });
    }
}
