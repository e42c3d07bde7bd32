package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import io.jenkins.plugins.bluegreen.kubesim.RequestGate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A selector write that went through but whose endpoints never became the target's ready pods: the error says where
 * traffic is and the command back, and the lock does not stand in that command's way.
 */
class TrafficUnconfirmedTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(30));

    private final SimApps apps = SIM.live(Color.GREEN, 2);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen = SIM.engine(namespace)
            .listener(new RecordingListener())
            .settings(BlueGreenSettings.builder()
                    .endpointsTimeout(Duration.ofSeconds(2))
                    .build())
            .build();

    @BeforeEach
    void greenLiveAndBlueDeployed() {
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:unconfirmed")
                .holder(HOLDER)
                .build());
        blueGreen.awaitHealthy("myapp", Color.BLUE, Duration.ofSeconds(20));
    }

    @AfterEach
    void clear() {
        SIM.sim().faults().clear();
        SIM.sim().scripts().image("myapp:unconfirmed", PodScript.NORMAL);
    }

    @Test
    void aSwitchWhoseEndpointsNeverConfirmSaysWhereTrafficIsAndReleasesTheLockForTheWayBack() throws Exception {
        // the Service write is held; meanwhile blue's pods are replaced by pods that never get ready
        RequestGate write = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", "/api/v1/namespaces/" + namespace + "/services/myapp")
                        .holdUntil(write)
                        .once());
        CompletableFuture<SwitchResult> switching =
                CompletableFuture.supplyAsync(() -> blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                        .holder(HOLDER)
                        .scaleDownDelay(Duration.ZERO)
                        .build()));
        assertThat(write.awaitArrival(Duration.ofSeconds(30))).isTrue();
        SIM.sim().scripts().image("myapp:unconfirmed", PodScript.NEVER_READY);
        SIM.client().pods().inNamespace(namespace).withLabel(COLOR, "blue").delete();
        Eventually.until(
                Duration.ofSeconds(20),
                () -> SIM.client().pods().inNamespace(namespace).withLabel(COLOR, "blue").list().getItems().stream()
                        .noneMatch(p -> p.getStatus() != null
                                && p.getStatus().getConditions() != null
                                && p.getStatus().getConditions().stream()
                                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))));
        write.open();

        assertThatThrownBy(switching::join)
                .cause()
                .isInstanceOf(TrafficUnconfirmedException.class)
                .hasMessageContaining("traffic moved but is not confirmed: Service myapp now selects blue")
                .hasMessageContaining("it selected green before")
                .hasMessageContaining("Nothing was reverted")
                .hasMessageContaining("bluegreen switch --app myapp --to green")
                .hasMessageContaining("bluegreen rollback --app myapp")
                .hasMessageContaining("the deploy lock was released");
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder).orElse(null))
                .as("lock released")
                .isNull();

        // the way back the message names works at once, for anyone
        SwitchResult back = blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .to(Color.GREEN)
                .holder("cli:oncall@pager")
                .build());
        assertThat(back.to()).isEqualTo(Color.GREEN);
        assertThat(blueGreen.status("myapp").serving().ok()).isTrue();
    }

    @Test
    void theRolloutIsNeverCalledIncompleteWithCountsThatReadComplete() {
        Deployment lagging = new DeploymentBuilder(
                        TestObjects.deployment("myapp-blue", Map.of("app", "myapp"), 10, "i"))
                .editMetadata()
                .withGeneration(3L)
                .endMetadata()
                .withStatus(new DeploymentStatusBuilder()
                        .withObservedGeneration(2L)
                        .withReplicas(10)
                        .withUpdatedReplicas(10)
                        .withReadyReplicas(10)
                        .withAvailableReplicas(10)
                        .build())
                .build();
        assertThat(new DeploymentView(lagging).incompleteBecause())
                .startsWith("the Deployment controller has not yet acted on its newest spec (generation 3, observed 2");
        Deployment oldPods = new DeploymentBuilder(lagging)
                .editMetadata()
                .withGeneration(2L)
                .endMetadata()
                .editStatus()
                .withReplicas(12)
                .endStatus()
                .build();
        assertThat(new DeploymentView(oldPods).incompleteBecause())
                .isEqualTo(
                        "10/10 ready, 10/10 updated, 10/10 available, and 2 pods of an older template still running");
        Deployment done = new DeploymentBuilder(oldPods)
                .editStatus()
                .withReplicas(10)
                .endStatus()
                .build();
        assertThat(new DeploymentView(done).incompleteBecause()).isNull();
    }
}
