package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeSimTest {

    @Test
    void servesOnLoopbackOnlyAtTheRequestedPort() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            free = s.getLocalPort();
        }
        try (KubeSim sim = KubeSim.builder().port(free).build().start()) {
            assertThat(sim.port()).isEqualTo(free);
            assertThat(sim.url()).isEqualTo("http://127.0.0.1:" + free);
            // the same port is still free on other interfaces: nothing but 127.0.0.1 is bound
            InetAddress other = java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces()).stream()
                    .flatMap(n -> java.util.Collections.list(n.getInetAddresses()).stream())
                    .filter(a -> a instanceof java.net.Inet4Address && !a.isLoopbackAddress())
                    .findFirst()
                    .orElse(null);
            if (other != null) {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(other, free));
                }
            }
        }
    }

    @Test
    void kubeconfigWorksWithAFabric8ClientAndNamesKubeSim(@TempDir Path dir) throws Exception {
        try (KubeSim sim = KubeSim.builder().build().start()) {
            Path file = dir.resolve("kube/config");
            sim.writeKubeconfig(file);
            String text = Files.readString(file);
            assertThat(text)
                    .contains("server: " + sim.url())
                    .contains("current-context: kube-sim")
                    .doesNotContain("certificate-authority-data");
            try (KubernetesClient c = new KubernetesClientBuilder()
                    .withConfig(Config.fromKubeconfig(text))
                    .build()) {
                assertThat(c.getNamespace()).isEqualTo("default");
                assertThat(c.namespaces().withName("default").get().getStatus().getPhase())
                        .isEqualTo("Active");
            }
        }
    }

    @Test
    void resetEmptiesTheStoreAndClearsFaultsCountersAndScripts() {
        try (KubeSim sim = KubeSim.builder()
                        .readyDelay(Duration.ofMillis(20))
                        .build()
                        .start();
                KubernetesClient c = sim.newClient()) {
            String ns = sim.newNamespace();
            c.apps()
                    .deployments()
                    .inNamespace(ns)
                    .resource(Fixtures.deployment("r", "r:1", 2, Map.of("app", "r")))
                    .create();
            c.configMaps()
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("c")
                            .endMetadata()
                            .build())
                    .create();
            await(
                    Duration.ofSeconds(10),
                    "pods",
                    () -> c.pods().inNamespace(ns).list().getItems().size() == 2);
            sim.faults().add(FaultRule.on("*", "/nothing").respond(500));
            sim.scripts().image("r:1", PodScript.CRASH_LOOP);

            sim.reset();

            assertThat(sim.faults().active()).isEmpty();
            assertThat(sim.scripts().forImage("r:1")).isEqualTo(PodScript.NORMAL);
            assertThat(sim.requests().total()).isZero();
            assertThat(sim.storedObjects()).hasSize(1); // namespace default
            assertThat(c.namespaces().list().getItems())
                    .extracting(n -> n.getMetadata().getName())
                    .containsExactly("default");
            assertThat(c.pods().inAnyNamespace().list().getItems()).isEmpty();
            // still fully working afterwards
            c.apps()
                    .deployments()
                    .resource(Fixtures.deployment("again", "a:1", 1, Map.of("app", "a")))
                    .create();
            await(Duration.ofSeconds(10), "new rollout", () -> c.pods().list().getItems().stream()
                    .anyMatch(Pods::isReady));
        }
    }

    @Test
    void newNamespaceIsUniqueAndExists() {
        try (KubeSim sim = KubeSim.builder().build().start();
                KubernetesClient c = sim.newClient()) {
            String a = sim.newNamespace();
            String b = sim.newNamespace();
            assertThat(a).isNotEqualTo(b).matches("[a-z0-9-]+");
            assertThat(c.namespaces().withName(a).get()).isNotNull();
            try (KubernetesClient inA = sim.newClient(a)) {
                inA.configMaps()
                        .resource(new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("x")
                                .endMetadata()
                                .build())
                        .create();
                assertThat(c.configMaps().inNamespace(a).withName("x").get()).isNotNull();
            }
        }
    }
}
