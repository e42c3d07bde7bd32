package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The engine's side of what operators do that is neither a fault nor malformed text: the API server going away
 * during a health wait, a request the app's state rules out, history written by someone else with kubectl.
 */
class OperatorMovesTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();
    private final BlueGreen engine = SIM.engine(namespace).build();

    /**
     * A wait whose API server vanished ends within the client's retry budget as "cluster unreachable" instead of
     * sitting out a ten-minute timeout and then blaming readiness. The guard of 3 minutes is far below the timeout.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aHealthWaitOnAClusterThatWentAwayFailsAsUnreachable() {
        KubeSim own =
                KubeSim.builder().readyDelay(Duration.ofMillis(50)).build().start();
        try (KubernetesClient client = own.newClient("default")) {
            new SimApps(client, "default").seedLive("myapp", Color.BLUE, 2, "myapp:1");
            own.scripts().image("myapp:hangs", PodScript.NEVER_READY);
            BlueGreen onOwn = BlueGreen.builder(client).namespace("default").build();
            onOwn.deploy(DeployRequest.builder("myapp")
                    .image("myapp:hangs")
                    .holder(HOLDER)
                    .build());
            CompletableFuture<HealthSummary> wait =
                    onOwn.awaitHealthyAsync("myapp", Color.GREEN, Duration.ofMinutes(10));
            Eventually.until(Duration.ofSeconds(30), () -> own.openWatches() >= 2);
            own.close();

            // a guard, not a timed assertion: a wait that never notices would otherwise hold the build for 10 minutes
            Throwable thrown = catchThrowable(() -> wait.get(2, TimeUnit.MINUTES));
            assertThat(thrown).isInstanceOf(java.util.concurrent.ExecutionException.class);
            assertThat(thrown.getCause())
                    .isInstanceOf(ClusterUnreachableException.class)
                    .hasMessageContaining("Kubernetes API")
                    .hasMessageNotContaining("readiness");
        } finally {
            own.close();
        }
    }

    @Test
    void switchingToAColourThatIsNotReadyYetIsARefusalNotBadInput() {
        SIM.sim().scripts().image("myapp:hangs", PodScript.NEVER_READY);
        engine.deploy(DeployRequest.builder("myapp")
                .image("myapp:hangs")
                .holder(HOLDER)
                .build());
        String before = apps.quietDump();

        Throwable thrown = catchThrowable(() -> engine.switchTraffic(
                SwitchRequest.builder("myapp").holder(HOLDER).build()));

        assertThat(thrown).isInstanceOf(RefusedException.class).isNotInstanceOf(InvalidInputException.class);
        // one parenthesis, the counts as counts: not "not fully ready (2/2 ready (1 updated ...))"
        assertThat(thrown.getMessage())
                .startsWith("cannot switch to green: Deployment myapp-green is not ready yet: "
                        + "its rollout is not complete (")
                .doesNotContain("((")
                .doesNotContain("to:");
        assertThat(apps.dump()).isEqualTo(before);
    }

    @Test
    void rollingBackWithNothingToRollBackToIsARefusal() {
        Throwable thrown = catchThrowable(() ->
                engine.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build()));

        assertThat(thrown)
                .isInstanceOf(RefusedException.class)
                .hasMessageStartingWith("nothing to roll back: Service myapp records no previous colour");
    }

    @Test
    void approversAreSingleBoundedLinesInSwitchesAndRollbacks() {
        Throwable newline = catchThrowable(() -> engine.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .approvedBy("alice\n  2026-01-01T00:00:00Z  switch   -> green revision forged")
                .build()));
        Throwable escape = catchThrowable(() -> engine.rollback(RollbackRequest.builder("myapp")
                .holder(HOLDER)
                .approvedBy("\u001b[2Kmallory")
                .build()));
        Throwable tooLong = catchThrowable(() -> engine.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .approvedBy("x".repeat(257))
                .build()));

        assertThat(newline)
                .isInstanceOf(InvalidInputException.class)
                .extracting("field")
                .isEqualTo("approvedBy");
        assertThat(escape)
                .isInstanceOf(InvalidInputException.class)
                .extracting("field")
                .isEqualTo("approvedBy");
        assertThat(tooLong).isInstanceOf(InvalidInputException.class).hasMessageContaining("(max 256)");
    }

    @Test
    void durationsOverTheCapAreRefusedBeforeAnyWrite() {
        String before = apps.quietDump();
        Duration huge = Duration.ofSeconds(Long.MAX_VALUE);

        assertThat(catchThrowable(() -> engine.deploy(DeployRequest.builder("myapp")
                        .image("myapp:2")
                        .holder(HOLDER)
                        .timeout(huge)
                        .build())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("timeout: '9223372036854775807s' is too large (max 720h)");
        assertThat(catchThrowable(() -> engine.deploy(DeployRequest.builder("myapp")
                        .image("myapp:2")
                        .holder(HOLDER)
                        .lockWait(Duration.ofDays(31))
                        .build())))
                .isInstanceOf(InvalidInputException.class)
                .extracting("field")
                .isEqualTo("lockWait");
        assertThat(catchThrowable(() -> engine.switchTraffic(SwitchRequest.builder("myapp")
                        .holder(HOLDER)
                        .scaleDownDelay(huge)
                        .build())))
                .isInstanceOf(InvalidInputException.class)
                .extracting("field")
                .isEqualTo("scaleDownDelay");
        assertThat(catchThrowable(() -> engine.rollback(RollbackRequest.builder("myapp")
                        .holder(HOLDER)
                        .timeout(huge)
                        .build())))
                .isInstanceOf(InvalidInputException.class)
                .extracting("field")
                .isEqualTo("timeout");
        assertThat(catchThrowable(() -> engine.awaitHealthy("myapp", Color.BLUE, huge)))
                .isInstanceOf(InvalidInputException.class)
                .extracting("field")
                .isEqualTo("timeout");
        assertThat(apps.dump()).isEqualTo(before);
    }

    @Test
    void replicasAreBoundedAndTheManifestsCountWinsOverTheLiveOne() {
        assertThat(catchThrowable(() -> engine.deploy(DeployRequest.builder("myapp")
                        .image("myapp:2")
                        .holder(HOLDER)
                        .replicas(Integer.MAX_VALUE)
                        .build())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("replicas: is 2147483647 (max 10000)");
        String manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: myapp}\nspec:\n  replicas: %d\n"
                + "  selector: {matchLabels: {app: myapp}}\n  template:\n    metadata: {labels: {app: myapp}}\n"
                + "    spec:\n      containers: [{name: app, image: \"myapp:3\"}]\n";
        assertThat(catchThrowable(() -> engine.deploy(DeployRequest.builder("myapp")
                        .manifest(manifest.formatted(-3))
                        .holder(HOLDER)
                        .build())))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("manifest: spec.replicas is -3");

        Release release = engine.deploy(DeployRequest.builder("myapp")
                .manifest(manifest.formatted(1))
                .holder(HOLDER)
                .build());

        assertThat(release.replicas()).isEqualTo(1);
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void aManifestOverTheCapIsRefusedWithoutReadingItAll() {
        Throwable thrown =
                catchThrowable(() -> DeployRequest.builder("myapp").manifestFile(java.nio.file.Path.of("/dev/zero")));

        assertThat(thrown)
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("manifest: is larger than 1 MiB");
    }

    @Test
    void historyTextFromTheClusterIsPrintedOnOneLine() {
        assertThat(Printable.line("alice\n  2026 switch -> green\u001b[31m\u202e"))
                .isEqualTo("alice\\n  2026 switch -> green\\e[31m\\u202e");
        assertThat(Printable.line("plain")).isEqualTo("plain");
        assertThat(Printable.line(null)).isNull();
    }
}
