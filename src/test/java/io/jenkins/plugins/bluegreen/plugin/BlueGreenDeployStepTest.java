package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import hudson.FilePath;
import hudson.model.Result;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class BlueGreenDeployStepTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 2);

    @Test
    void deploysTheIdleColourAwaitsItAndReturnsAPlainMap() throws Exception {
        TestStepContext ctx = app.context();
        app.sim().start(app.deployStep("registry.example/shop:2.0"), ctx);

        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) ctx.awaitSuccess();

        assertThat(r)
                .containsOnlyKeys(
                        "app",
                        "namespace",
                        "service",
                        "liveColor",
                        "newColor",
                        "deployment",
                        "images",
                        "revision",
                        "replicas",
                        "healthy",
                        "switched",
                        "testedRevision",
                        "imageDigests");
        assertThat(r)
                .containsEntry("app", "shop")
                .containsEntry("namespace", app.ns())
                .containsEntry("service", "shop")
                .containsEntry("liveColor", "blue")
                .containsEntry("newColor", "green")
                .containsEntry("deployment", "shop-green")
                .containsEntry("revision", "2.0")
                .containsEntry("replicas", 2)
                .containsEntry("healthy", true)
                .containsEntry("switched", false);
        assertThat(r.get("images")).isEqualTo(List.of("registry.example/shop:2.0"));
        assertPlainSerializable(r);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        String console = ctx.console();
        assertThat(console)
                .contains("[blue-green] live colour of shop: blue")
                .contains("[blue-green] deployed shop-green: registry.example/shop:2.0, 2 replica(s), revision 2.0")
                .contains("[blue-green] shop-green: 2/2 ready")
                .contains("next: switchTraffic app: 'shop'")
                .doesNotContain(PluginSim.TOKEN);
        assertThat(ctx.deliveries()).isEqualTo(1);
    }

    @Test
    void anUnhealthyColourFailsWithThePodsReasonsAndLeavesTrafficAlone() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:broken", PodScript.IMAGE_PULL_ERROR);
        TestStepContext ctx = app.context();
        app.sim().start(app.deployStep("registry.example/shop:broken"), ctx);

        Throwable failure = ctx.awaitFailure();

        assertThat(failure)
                .isExactlyInstanceOf(AbortException.class)
                .hasMessageStartingWith("blueGreenDeploy: Deployment shop-green is unhealthy")
                .hasMessageContaining("ImagePull")
                .hasNoCause();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        // the composed form leaves the new colour for the pipeline's post { } to abandon
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isEqualTo(2);
        assertThat(ctx.console())
                .contains("green stays deployed but not live; to abandon it: rollback app: 'shop', abandonOnly: true");
    }

    @Test
    void aColourThatNeverBecomesReadyTimesOut() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:stuck", PodScript.NEVER_READY);
        BlueGreenDeployStep step = app.deployStep("registry.example/shop:stuck");
        step.setTimeout("2s");
        TestStepContext ctx = app.context();
        app.sim().start(step, ctx);

        Throwable failure = ctx.awaitFailure();

        assertThat(failure).isInstanceOf(AbortException.class).hasMessageContaining("was not healthy after 2s");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
    }

    @Test
    void stopMidWaitCancelsTheWaitLeavesTrafficAndFailsWithTheCause() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:stuck", PodScript.NEVER_READY);
        TestStepContext ctx = app.context();
        ClusterStepExecution<?> execution = app.sim().start(app.deployStep("registry.example/shop:stuck"), ctx);
        ctx.awaitConsole("deployed shop-green");
        awaitWaiting(execution);
        var wait = execution.currentFuture();

        FlowInterruptedException cause =
                new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("alice"));
        execution.stop(cause);

        assertThat(ctx.awaitFailure()).isSameAs(cause);
        assertThat(wait.isCancelled()).isTrue();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(ctx.console())
                .contains("stays deployed but not live; to abandon it: rollback app: 'shop', abandonOnly: true");
        assertThat(ctx.deliveries()).isEqualTo(1);
    }

    @Test
    void waitFalseReturnsOnceWrittenWithHealthyFalse() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:stuck", PodScript.NEVER_READY);
        BlueGreenDeployStep step = app.deployStep("registry.example/shop:stuck");
        step.setWait(false);
        TestStepContext ctx = app.context();
        app.sim().start(step, ctx);

        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) ctx.awaitSuccess();
        assertThat(r).containsEntry("healthy", false).containsEntry("newColor", "green");
        assertThat(ctx.console()).contains("not waiting (wait: false); next: awaitHealthy app: 'shop', color: 'green'");
    }

    @Test
    void aResumedExecutionContinuesTheWait() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:slow", PodScript.slow(Duration.ofSeconds(2)));
        TestStepContext ctx = app.context();
        ClusterStepExecution<?> execution = app.sim().start(app.deployStep("registry.example/shop:slow"), ctx);
        ctx.awaitConsole("deployed shop-green");
        awaitWaiting(execution);

        // what Jenkins keeps across a restart: the execution (with step, phase, release facts) and its context
        ClusterStepExecution<?> restored = roundTrip(execution);
        execution.cancelCurrent(); // the old JVM's wait is gone
        restored.onResume();

        TestStepContext restoredCtx = (TestStepContext) restored.getContext();
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) restoredCtx.awaitSuccess();
        assertThat(r)
                .containsEntry("healthy", true)
                .containsEntry("newColor", "green")
                .containsEntry("revision", "slow");
        assertThat(restoredCtx.console()).contains("Jenkins restarted; blueGreenDeploy for shop continues");
    }

    @Test
    void manifestFileIsReadFromTheWorkspace(@TempDir Path workspace) throws Exception {
        Files.writeString(workspace.resolve("deploy.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: shop
                spec:
                  replicas: 1
                  selector:
                    matchLabels: {app: shop}
                  template:
                    metadata:
                      labels: {app: shop}
                    spec:
                      containers:
                      - name: app
                        image: registry.example/shop:3.0
                """);
        BlueGreenDeployStep step = app.onSim(new BlueGreenDeployStep("shop"));
        step.setManifestFile("deploy.yaml");
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), new FilePath(workspace.toFile()), null);
        app.sim().start(step, ctx);

        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) ctx.awaitSuccess();
        assertThat(r.get("images")).isEqualTo(List.of("registry.example/shop:3.0"));
    }

    static void awaitWaiting(ClusterStepExecution<?> execution) throws InterruptedException {
        while (execution.currentFuture() == null || execution.console() == null) {
            Thread.sleep(10);
        }
        // the deploy's future completes before the await's is set: wait for the await to be the current one
        while (execution.currentFuture().isDone()) {
            Thread.sleep(10);
        }
    }

    static ClusterStepExecution<?> roundTrip(ClusterStepExecution<?> execution) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(execution);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            ClusterStepExecution<?> restored = (ClusterStepExecution<?>) in.readObject();
            restored.useRuntime(execution.runtime()); // the restarted controller's runtime
            return restored;
        }
    }

    /** Only the types Groovy's sandbox accepts without approval, and serializable with the build. */
    static void assertPlainSerializable(Object value) throws Exception {
        if (value instanceof Map<?, ?> m) {
            assertThat(value).isInstanceOf(java.util.LinkedHashMap.class);
            for (Map.Entry<?, ?> e : m.entrySet()) {
                assertThat(e.getKey()).isInstanceOf(String.class);
                assertPlainSerializable(e.getValue());
            }
        } else if (value instanceof List<?> l) {
            assertThat(value).isInstanceOf(java.util.ArrayList.class);
            for (Object o : l) {
                assertPlainSerializable(o);
            }
        } else if (value != null) {
            assertThat(value).isInstanceOfAny(String.class, Integer.class, Boolean.class);
        }
        ObjectOutputStream out = new ObjectOutputStream(new ByteArrayOutputStream());
        out.writeObject((Serializable) value);
    }
}
