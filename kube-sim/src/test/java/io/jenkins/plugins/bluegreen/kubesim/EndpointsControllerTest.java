package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EndpointsControllerTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Set<String> readyPodNames(KubernetesClient c, String ns, String svc) {
        Endpoints ep = c.endpoints().inNamespace(ns).withName(svc).get();
        if (ep == null || ep.getSubsets() == null) {
            return Set.of();
        }
        return ep.getSubsets().stream()
                .flatMap(s -> s.getAddresses() == null ? java.util.stream.Stream.empty() : s.getAddresses().stream())
                .map(EndpointAddress::getTargetRef)
                .map(r -> r.getName())
                .collect(Collectors.toSet());
    }

    private static Set<String> podNames(KubernetesClient c, String ns, String color) {
        return c.pods().inNamespace(ns).withLabel("color", color).list().getItems().stream()
                .map(p -> p.getMetadata().getName())
                .collect(Collectors.toSet());
    }

    @Test
    void endpointsFollowReadyPodsAndSelectorChanges() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("app-blue", "app:1", 2, Map.of("app", "app", "color", "blue")))
                .create();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("app-green", "app:2", 3, Map.of("app", "app", "color", "green")))
                .create();
        Service svc = c.services()
                .inNamespace(ns)
                .resource(Fixtures.service("app", Map.of("app", "app", "color", "blue")))
                .create();
        assertThat(svc.getSpec().getPorts().get(0).getNodePort()).isEqualTo(30080);
        assertThat(svc.getSpec().getClusterIP()).startsWith("10.96.");

        await(WAIT, "blue endpoints", () -> readyPodNames(c, ns, "app").size() == 2);
        assertThat(readyPodNames(c, ns, "app")).isEqualTo(podNames(c, ns, "blue"));
        Endpoints ep = c.endpoints().inNamespace(ns).withName("app").get();
        assertThat(ep.getSubsets().get(0).getPorts().get(0).getPort()).isEqualTo(8080);

        c.services().inNamespace(ns).withName("app").edit(s -> {
            s.getSpec().setSelector(Map.of("app", "app", "color", "green"));
            return s;
        });
        await(
                WAIT,
                "green endpoints",
                () -> readyPodNames(c, ns, "app").equals(podNames(c, ns, "green"))
                        && podNames(c, ns, "green").size() == 3);

        List<EndpointSlice> slices = c.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(ns)
                .withLabel("kubernetes.io/service-name", "app")
                .list()
                .getItems();
        assertThat(slices).hasSize(1);
        assertThat(slices.get(0).getEndpoints())
                .hasSize(3)
                .allSatisfy(e -> assertThat(e.getConditions().getReady()).isTrue());
        assertThat(slices.get(0).getEndpoints().stream()
                        .map(e -> e.getTargetRef().getName())
                        .collect(Collectors.toSet()))
                .isEqualTo(podNames(c, ns, "green"));
    }

    @Test
    void podsWithoutTheSelectorsKeysDoNotBreakTheEndpoints() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        // the seed scenario: an old Deployment labelled app+version next to a colour Deployment
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("myapp-v1", "app:1", 2, Map.of("app", "myapp", "version", "v1")))
                .create();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("myapp-blue", "app:1", 2, Map.of("app", "myapp", "color", "blue")))
                .create();
        c.services()
                .inNamespace(ns)
                .resource(Fixtures.service("myapp", Map.of("app", "myapp", "version", "v1"))
                        .edit()
                        .editSpec()
                        .editFirstPort()
                        .withNodePort(null)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        await(WAIT, "v1 endpoints", () -> readyPodNames(c, ns, "myapp").size() == 2);
        c.services().inNamespace(ns).withName("myapp").edit(s -> {
            s.getSpec().setSelector(Map.of("app", "myapp", "color", "blue"));
            return s;
        });
        await(WAIT, "blue endpoints only", () -> readyPodNames(c, ns, "myapp").equals(podNames(c, ns, "blue")));
    }

    @Test
    void notReadyPodsAreListedAsNotReady() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        SIM.sim().scripts().image("app:never", PodScript.NEVER_READY);
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("stuck", "app:never", 2, Map.of("app", "stuck")))
                .create();
        c.services()
                .inNamespace(ns)
                .resource(Fixtures.service("stuck", Map.of("app", "stuck"))
                        .edit()
                        .editSpec()
                        .withType("ClusterIP")
                        .editFirstPort()
                        .withNodePort(null)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        await(WAIT, "not ready addresses", () -> {
            Endpoints ep = c.endpoints().inNamespace(ns).withName("stuck").get();
            return ep != null
                    && ep.getSubsets() != null
                    && !ep.getSubsets().isEmpty()
                    && ep.getSubsets().get(0).getNotReadyAddresses() != null
                    && ep.getSubsets().get(0).getNotReadyAddresses().size() == 2;
        });
        assertThat(c.endpoints()
                        .inNamespace(ns)
                        .withName("stuck")
                        .get()
                        .getSubsets()
                        .get(0)
                        .getAddresses())
                .isNullOrEmpty();
    }

    @Test
    void deletingTheServiceDeletesItsEndpoints() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("x", "x:1", 1, Map.of("app", "x")))
                .create();
        c.services()
                .inNamespace(ns)
                .resource(Fixtures.service("x", Map.of("app", "x"))
                        .edit()
                        .editSpec()
                        .editFirstPort()
                        .withNodePort(null)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        await(WAIT, "endpoints", () -> readyPodNames(c, ns, "x").size() == 1);
        c.services().inNamespace(ns).withName("x").delete();
        await(
                WAIT,
                "endpoints gone",
                () -> c.endpoints().inNamespace(ns).withName("x").get() == null
                        && c.discovery()
                                .v1()
                                .endpointSlices()
                                .inNamespace(ns)
                                .list()
                                .getItems()
                                .isEmpty());
        List<Pod> pods = c.pods().inNamespace(ns).list().getItems();
        assertThat(pods).hasSize(1);
    }
}
