package io.jenkins.plugins.bluegreen.kubesim;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.Test;

class HttpsTest {

    @Test
    void httpsWithASelfSignedCertificateTrustedThroughTheKubeconfig() {
        try (KubeSim sim = KubeSim.builder().https(true).build().start()) {
            assertThat(sim.url()).startsWith("https://127.0.0.1:");
            assertThat(sim.kubeconfig()).contains("certificate-authority-data: ");
            // a client that trusts only the kubeconfig's CA (no trust-all) can talk to it
            Config config = Config.fromKubeconfig(sim.kubeconfig());
            assertThat(config.isTrustCerts()).isFalse();
            try (KubernetesClient c =
                    new KubernetesClientBuilder().withConfig(config).build()) {
                c.configMaps()
                        .resource(new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("tls")
                                .endMetadata()
                                .build())
                        .create();
                assertThat(c.configMaps().withName("tls").get()).isNotNull();
            }
            try (KubernetesClient c = sim.newClient()) {
                assertThat(c.configMaps().list().getItems()).hasSize(1);
            }
        }
    }
}
