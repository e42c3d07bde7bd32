package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Pods report the digest their image resolved to when they started, as a kubelet does; a re-push is a retag. */
class ImageRegistryTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(
            KubeSim.builder().readyDelay(Duration.ofMillis(100)).specSecond(Duration.ofMillis(100)));

    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterEach
    void clear() {
        SIM.sim().images().clear();
    }

    private static String deploy(String image, int replicas) {
        String ns = SIM.newNamespace();
        Deployment d = Fixtures.deployment("app", image, replicas, Map.of("app", "app"));
        SIM.client().apps().deployments().inNamespace(ns).resource(d).create();
        return ns;
    }

    private static Set<String> runningImageIds(String ns, int pods) throws Exception {
        await(WAIT, pods + " pods running", () -> {
            List<Pod> all = SIM.client().pods().inNamespace(ns).list().getItems();
            return all.size() == pods
                    && all.stream()
                            .allMatch(p -> p.getStatus() != null
                                    && "Running".equals(p.getStatus().getPhase()));
        });
        return SIM.client().pods().inNamespace(ns).list().getItems().stream()
                .map(p -> p.getStatus().getContainerStatuses().get(0).getImageID())
                .collect(Collectors.toSet());
    }

    @Test
    void imageIdIsTheRepositoryAtADigestThatDependsOnlyOnTheImage() throws Exception {
        String ns = deploy("example.org/app:1.0", 2);

        assertThat(runningImageIds(ns, 2)).containsExactly(SIM.sim().images().imageId("example.org/app:1.0"));
        assertThat(SIM.sim().images().imageId("example.org/app:1.0"))
                .matches("example\\.org/app@sha256:[0-9a-f]{64}")
                .isEqualTo(SIM.sim().images().imageId("example.org/app:1.0"))
                .isNotEqualTo(SIM.sim().images().imageId("example.org/app:1.1"));
        assertThat(SIM.sim().images().imageId("app")).startsWith("docker.io/library/app@sha256:");
    }

    @Test
    void anImageGivenByDigestReportsThatDigest() throws Exception {
        String digest = "sha256:" + "ab".repeat(32);
        String ns = deploy("example.org/app@" + digest, 1);

        assertThat(runningImageIds(ns, 1)).containsExactly("example.org/app@" + digest);
        assertThatThrownBy(() -> SIM.sim().images().push("example.org/app@" + digest))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aPushChangesTheDigestOfPodsStartedAfterItOnly() throws Exception {
        String ns = deploy("example.org/app:1.0", 1);
        String first = SIM.sim().images().digest("example.org/app:1.0");
        assertThat(runningImageIds(ns, 1)).containsExactly("example.org/app@" + first);

        String pushed = SIM.sim().images().push("example.org/app:1.0");

        assertThat(pushed).isNotEqualTo(first).isEqualTo(SIM.sim().images().digest("example.org/app:1.0"));
        assertThat(runningImageIds(ns, 1)).containsExactly("example.org/app@" + first); // it keeps what it pulled

        // the ReplicaSet replaces a deleted pod: the new one pulls the re-pushed tag
        SIM.client().pods().inNamespace(ns).delete();
        await(
                WAIT,
                "the replacement pod runs the new digest",
                () -> SIM.client().pods().inNamespace(ns).list().getItems().stream()
                        .anyMatch(p -> p.getStatus() != null
                                && p.getStatus().getContainerStatuses() != null
                                && ("example.org/app@" + pushed)
                                        .equals(p.getStatus()
                                                .getContainerStatuses()
                                                .get(0)
                                                .getImageID())));
    }
}
