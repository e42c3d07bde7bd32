package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RequestCountersTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    @Test
    void countsClientRequestsByVerbAndPathButNotControllerWrites() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        RequestCounters counters = SIM.sim().requests();
        counters.reset();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("web", "web:1", 3, Map.of("app", "web")))
                .create();
        await(Duration.ofSeconds(10), "rollout", () -> {
            var d = c.apps().deployments().inNamespace(ns).withName("web").get();
            return d.getStatus() != null
                    && Integer.valueOf(3).equals(d.getStatus().getAvailableReplicas());
        });
        long gets = counters.count("get", "/apis/apps/v1/namespaces/" + ns + "/deployments/web");
        c.pods().inNamespace(ns).list();
        c.pods().inNamespace(ns).list();

        assertThat(counters.count("create", "/apis/apps/v1/namespaces/" + ns + "/deployments"))
                .isEqualTo(1);
        assertThat(counters.count("list", "/api/v1/namespaces/" + ns + "/pods")).isEqualTo(2);
        assertThat(counters.count("GET", "/api/v1/namespaces/" + ns + "/pods")).isEqualTo(2);
        assertThat(counters.count("*", "/apis/apps/v1/namespaces/*/deployments/*"))
                .isEqualTo(gets);
        assertThat(counters.count("**", "/nothing")).isZero();
        // the controllers created a ReplicaSet and three pods and wrote many statuses: none counted
        assertThat(counters.count("create", "/api/v1/namespaces/" + ns + "/pods"))
                .isZero();
        assertThat(counters.count("update", "/")).isZero();
        assertThat(counters.total()).isEqualTo(1 + gets + 2);
        assertThat(counters.snapshot()).containsEntry("list /api/v1/namespaces/" + ns + "/pods", 2L);

        counters.reset();
        assertThat(counters.total()).isZero();
        assertThat(counters.snapshot()).isEmpty();
    }
}
