package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.FaultRules;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The switch write under races and faults: re-read and re-decided, never blindly overwritten. */
class SwitchConflictTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final RecordingListener listener = new RecordingListener();
    private String servicePath;

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen = SIM.engine(namespace).listener(listener).build();

    @BeforeEach
    void seed() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));
        servicePath = "/api/v1/namespaces/" + namespace + "/services/myapp";
    }

    @AfterEach
    void clearFaults() {
        SIM.sim().faults().clear();
    }

    private SwitchResult switchToGreen(BlueGreen engine) {
        return engine.switchTraffic(SwitchRequest.builder("myapp")
                .to(Color.GREEN)
                .approvedBy("alice")
                .holder(HOLDER)
                .build());
    }

    @Test
    void aConflictIsReReadAndTheSwitchDecidedAgain() {
        SIM.sim().faults().add(FaultRule.on("update", servicePath).respond(409).once());

        SwitchResult result = switchToGreen(blueGreen);

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(listener.infos).anyMatch(m -> m.contains("changed by someone else") && m.contains("re-reading"));
        assertThat(blueGreen.status("myapp").history()).hasSize(1);
    }

    @Test
    void aConcurrentChangeToTheServiceIsKeptNotOverwritten() throws Exception {
        // our PUT is held back while someone else edits the Service, so it arrives with a stale resourceVersion
        long writesBefore = SIM.sim().requests().count("update", servicePath); // the deploy's announcement
        // held by a gate, not a delay, so the other edit lands first however loaded the machine is
        io.jenkins.plugins.bluegreen.kubesim.RequestGate ourWrite =
                new io.jenkins.plugins.bluegreen.kubesim.RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", servicePath).holdUntil(ourWrite).once());
        CompletableFuture<SwitchResult> switching = CompletableFuture.supplyAsync(() -> switchToGreen(blueGreen));
        assertThat(ourWrite.awaitArrival(Duration.ofSeconds(20))).isTrue();
        SIM.client().services().inNamespace(namespace).withName("myapp").edit(s -> new ServiceBuilder(s)
                .editMetadata()
                .addToAnnotations("team.example/owner", "payments")
                .endMetadata()
                .build());
        ourWrite.open();

        SwitchResult result = switching.get(20, TimeUnit.SECONDS);

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        Service service = apps.service("myapp");
        assertThat(service.getSpec().getSelector()).containsEntry(COLOR, "green");
        assertThat(service.getMetadata().getAnnotations()).containsEntry("team.example/owner", "payments");
        assertThat(SIM.sim().requests().count("update", servicePath) - writesBefore)
                .isEqualTo(2);
    }

    @Test
    void aServiceThatKeepsChangingEndsInAConflictWithoutOverwriting() {
        SIM.sim().faults().add(FaultRule.on("update", servicePath).respond(409));

        assertThatThrownBy(() -> switchToGreen(blueGreen))
                .isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.getMessage())
                        .contains("kept changing")
                        .contains("nothing was overwritten"));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    @Test
    void whenSomeoneElseSwitchedMeanwhileItSaysSoAndWritesNothing() {
        SIM.sim().faults().add(FaultRule.on("update", servicePath).respond(409).once());
        listener.onInfo(message -> {
            if (message.contains("re-reading")) {
                SIM.client().services().inNamespace(namespace).withName("myapp").edit(s -> new ServiceBuilder(s)
                        .editSpec()
                        .addToSelector(COLOR, "green")
                        .endSpec()
                        .build());
            }
        });

        SwitchResult result = switchToGreen(blueGreen);

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.ALREADY_LIVE);
        assertThat(result.recorded()).isNull();
        assertThat(listener.infos).anyMatch(m -> m.contains("someone else switched it"));
        assertThat(apps.service("myapp").getMetadata().getAnnotations())
                .doesNotContainKey("bluegreen.jenkins.io/history");
    }

    @Test
    void aConnectionDroppedAfterTheWriteLandsIsRecognisedAsOurs() {
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", servicePath).dropAfterApply().once());

        SwitchResult result = switchToGreen(blueGreen);

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(blueGreen.status("myapp").history()).hasSize(1).first().satisfies(h -> assertThat(h.approvedBy())
                .isEqualTo("alice"));
    }

    @Test
    void anOutcomeThatCannotBeLearnedIsReportedAsUncertainWithWhatToCheck() {
        try (KubernetesClient noRetries = clientWithoutRetries(SIM.client())) {
            BlueGreen engine = BlueGreen.builder(noRetries).namespace(namespace).build();
            FaultRules.Handle put = SIM.sim()
                    .faults()
                    .add(FaultRule.on("update", servicePath).dropAfterApply().once());
            SIM.sim()
                    .faults()
                    .add(FaultRule.on("get", servicePath)
                            .where(r -> put.fired() > 0)
                            .dropBeforeApply());

            assertThatThrownBy(() -> switchToGreen(engine))
                    .isInstanceOfSatisfying(UncertainOutcomeException.class, e -> assertThat(e.whatToCheck())
                            .contains("kubectl -n " + namespace + " get service myapp"));
        }
    }

    @Test
    void anUnreachableClusterIsTyped() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (KubernetesClient nowhere = new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder()
                        .withMasterUrl("http://127.0.0.1:" + closedPort)
                        .withRequestRetryBackoffLimit(0)
                        .withConnectionTimeout(1000)
                        .build())
                .build()) {
            BlueGreen engine = BlueGreen.builder(nowhere).namespace("shop").build();

            assertThatThrownBy(() -> engine.status("myapp"))
                    .isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining("cannot reach the Kubernetes API");
            assertThatThrownBy(() -> engine.deploy(DeployRequest.builder("myapp")
                            .image("myapp:2")
                            .holder(HOLDER)
                            .build()))
                    .isInstanceOf(ClusterUnreachableException.class);
        }
    }

    static KubernetesClient clientWithoutRetries(KubernetesClient template) {
        return new KubernetesClientBuilder()
                .withConfig(new ConfigBuilder(template.getConfiguration())
                        .withRequestRetryBackoffLimit(0)
                        .build())
                .build();
    }
}
