package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Success is judged by the live Service's endpoints, not by a Deployment's readiness: the seed's Service manifest
 * re-applied after a release puts {@code version: v1} back into the selector (kubectl's three-way merge), leaving
 * the Service with no endpoints while every Deployment is healthy.
 */
class ServingByEndpointsTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(30));

    private final RecordingListener listener = new RecordingListener();

    private final SimApps apps = SIM.unadopted(3);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen = SIM.engine(namespace)
            .listener(listener)
            .settings(BlueGreenSettings.builder()
                    .endpointsTimeout(Duration.ofSeconds(5))
                    .build())
            .build();

    @BeforeEach
    void releasedOnce() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ZERO)
                .build());
        assertThat(blueGreen.status("myapp").serving().ok()).isTrue();
    }

    /** What {@code kubectl apply -f examples/myapp-seed.yaml} does to the selector after the engine's writes. */
    private void reapplySeedSelector(String key, String value) {
        var service = apps.service("myapp");
        Map<String, String> selector = new LinkedHashMap<>(service.getSpec().getSelector());
        selector.put(key, value);
        SIM.client()
                .services()
                .inNamespace(namespace)
                .resource(new ServiceBuilder(service)
                        .editSpec()
                        .withSelector(selector)
                        .endSpec()
                        .build())
                .update();
    }

    @Test
    void statusSaysLoudlyThatTheServiceSelectsNoReadyPodsAndWhy() {
        reapplySeedSelector("version", "v1");
        Eventually.until(
                Duration.ofSeconds(10), () -> readyEndpointPods("myapp").isEmpty());

        AppStatus status = blueGreen.status("myapp");

        assertThat(status.liveColor()).isEqualTo(Color.GREEN);
        assertThat(status.color(Color.GREEN).readyReplicas()).isEqualTo(3); // the Deployment looks fine
        assertThat(status.serves()).isFalse();
        assertThat(status.serving().problem())
                .contains("selects no ready pods of green")
                .contains("selector key version=v1 matches no pod of green");
        assertThat(status.serving().endpoints()).isEmpty();
    }

    @Test
    void statusListsTheEndpointsPodsWithTheirColour() {
        AppStatus status = blueGreen.status("myapp");

        assertThat(status.serving().endpoints()).hasSize(3).allSatisfy(e -> {
            assertThat(e.color()).isEqualTo(Color.GREEN);
            assertThat(e.ready()).isTrue();
            assertThat(e.pod()).startsWith("myapp-green-");
        });
        assertThat(status.serving().problem()).isNull();
    }

    @Test
    void switchToTheColourAlreadySelectedRemovesTheStrayKeyAndConfirmsTheEndpoints() {
        reapplySeedSelector("version", "v1");

        SwitchResult result = blueGreen.switchTraffic(
                SwitchRequest.builder("myapp").to(Color.GREEN).holder(HOLDER).build());

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.ALREADY_LIVE);
        assertThat(apps.selector("myapp")).containsOnly(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(listener.warnings)
                .anyMatch(w -> w.contains("removed stray selector key version=v1")
                        && w.contains("remove it from the Service manifest"));
        assertThat(readyEndpointPods("myapp")).hasSize(3).allMatch(p -> p.startsWith("myapp-green-"));
        assertThat(blueGreen.status("myapp").history())
                .first() // a repair is no traffic change: no history entry
                .satisfies(h -> assertThat(h.action()).isEqualTo(HistoryEntry.SWITCH));
    }

    @Test
    void rollbackAndTheNextSwitchWriteTheOwnedSelectorAndConfirmTheEndpoints() {
        reapplySeedSelector("version", "v1");

        blueGreen.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build());
        assertThat(apps.selector("myapp")).containsOnly(entry("app", "myapp"), entry(COLOR, "blue"));
        assertThat(readyEndpointPods("myapp")).hasSize(3).allMatch(p -> p.startsWith("myapp-blue-"));

        reapplySeedSelector("version", "v1"); // blue's adopted pods carry version=v1: it still reaches them
        SwitchResult switched = blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .to(Color.GREEN)
                .holder(HOLDER)
                .scaleDownDelay(Duration.ZERO)
                .build());

        assertThat(switched.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(apps.selector("myapp")).containsOnly(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(readyEndpointPods("myapp")).hasSize(3).allMatch(p -> p.startsWith("myapp-green-"));
        assertThat(listener.infos).anyMatch(i -> i.contains("reaches 3 ready pods of green"));
    }

    @Test
    void aSelectorKeyTheColoursPodsLackIsRefusedBeforeAnyWriteNamingTheKey() {
        blueGreen.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build());
        reapplySeedSelector("tier", "web");
        String before = apps.service("myapp").getMetadata().getResourceVersion();

        assertThatThrownBy(() -> blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                        .to(Color.GREEN)
                        .holder(HOLDER)
                        .build()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("selector key tier=web matches no pod of green")
                .hasMessageContaining("remove that key from Service myapp's selector");
        assertThat(apps.service("myapp").getMetadata().getResourceVersion()).isEqualTo(before);
    }

    @Test
    void switchToTheLiveColourThatReachesNoPodsFailsInsteadOfSayingNothingToDo() {
        reapplySeedSelector("tier", "web");

        assertThatThrownBy(() -> blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                        .to(Color.GREEN)
                        .holder(HOLDER)
                        .build()))
                .isInstanceOf(NotServingException.class)
                .hasMessageContaining("selector key tier=web matches no pod of green")
                .hasMessageContaining("remove the key from the Service's manifest");
        assertThat(listener.infos).noneMatch(i -> i.contains("nothing to do"));
    }

    private List<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint> endpointsOf(String service) {
        return SIM
                .client()
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", service)
                .list()
                .getItems()
                .stream()
                .flatMap((EndpointSlice s) ->
                        s.getEndpoints() == null ? java.util.stream.Stream.empty() : s.getEndpoints().stream())
                .toList();
    }

    private List<String> readyEndpointPods(String service) {
        return endpointsOf(service).stream()
                .filter(e -> Boolean.TRUE.equals(e.getConditions().getReady()))
                .map(e -> e.getTargetRef().getName())
                .toList();
    }
}
