package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An informer that reconnects after missing more changes than the sim remembers gets 410 Gone and
 * relists, so its cache ends up complete rather than silently missing objects.
 */
class InformerRelistTest {

    @Test
    void informerRelistsAfterGoneAndEndsUpComplete() {
        try (KubeSim sim = KubeSim.builder().watchHistory(3).build().start();
                KubernetesClient c = sim.newClient()) {
            SharedIndexInformer<ConfigMap> informer = c.configMaps().inform();
            try {
                await(Duration.ofSeconds(10), "informer watching", () -> sim.openWatches() == 1);
                long watchesBefore = sim.requests().count("watch", "/api/v1/namespaces/default/configmaps");
                sim.faults()
                        .add(FaultRule.on("watch", "/api/v1/namespaces/default/configmaps")
                                .respond(500)
                                .times(2));
                sim.faults().dropWatches();
                for (int i = 0; i < 10; i++) {
                    c.configMaps()
                            .resource(new ConfigMapBuilder()
                                    .withNewMetadata()
                                    .withName("cm-" + i)
                                    .endMetadata()
                                    .build())
                            .create();
                }
                await(
                        Duration.ofSeconds(20),
                        "all ten in the informer cache",
                        () -> informer.getStore().list().size() == 10);
                assertThat(sim.requests().count("watch", "/api/v1/namespaces/default/configmaps"))
                        .isGreaterThanOrEqualTo(watchesBefore + 3);
                // the relist after 410 is a second list request
                assertThat(sim.requests().count("list", "/api/v1/namespaces/default/configmaps"))
                        .isGreaterThanOrEqualTo(2);
            } finally {
                informer.close();
            }
        }
    }
}
