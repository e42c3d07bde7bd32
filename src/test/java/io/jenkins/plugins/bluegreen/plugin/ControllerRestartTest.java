package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controller restart at the dangerous moments: the state Jenkins saved is what a restart resumes from, so each test
 * takes the snapshot a save at that moment would take and resumes it.
 */
class ControllerRestartTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 1);

    private static final AtomicInteger BODIES = new AtomicInteger();
    private static final CountDownLatch NEVER = new CountDownLatch(1);

    private static byte[] bytes(Object execution) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(out)) {
                o.writeObject(execution);
            }
            return out.toByteArray();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs {@code step} to its outcome, snapshotting the execution as the outcome was on its way to Jenkins. */
    private byte[] savedWhileDelivering(ClusterStep step, TestStepContext ctx) throws Exception {
        AtomicReference<ClusterStepExecution<?>> execution = new AtomicReference<>();
        AtomicReference<byte[]> saved = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        ctx.beforeOutcome = () -> {
            try {
                started.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            saved.set(bytes(execution.get()));
        };
        execution.set(app.sim().start(step, ctx));
        started.countDown();
        ctx.awaitSuccess();
        return saved.get();
    }

    /** Resumes a saved execution on this test's runtime; its outcome must be there when onResume returns. */
    private TestStepContext resumedAndDeliveredAtOnce(byte[] saved) throws Exception {
        ClusterStepExecution<?> restored = TestStepContext.restore(saved);
        restored.useRuntime(app.sim().runtime());
        restored.onResume();
        TestStepContext ctx = (TestStepContext) restored.getContext();
        assertThat(ctx.finished())
                .as("a finished step delivers its outcome as it resumes")
                .isTrue();
        assertThat(ctx.deliveries()).isEqualTo(1);
        return ctx;
    }

    @Test
    void aDeploySavedWhileItsResultWasOnItsWayDeliversItAfterARestart() throws Exception {
        byte[] saved = savedWhileDelivering(app.deployStep("registry.example/shop:2.0"), app.context());
        @SuppressWarnings("unchecked")
        Map<String, Object> r =
                (Map<String, Object>) resumedAndDeliveredAtOnce(saved).awaitSuccess();
        assertThat(r).containsEntry("newColor", "green").containsEntry("healthy", true);
    }

    @Test
    void aSwitchSavedWhileItsResultWasOnItsWayDeliversItAfterARestart() throws Exception {
        app.runToSuccess(app.deployStep("registry.example/shop:2.0"));
        byte[] saved = savedWhileDelivering(app.onSim(new SwitchTrafficStep("shop")), app.context());
        assertThat(resumedAndDeliveredAtOnce(saved).awaitSuccess()).isEqualTo("green");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).containsOnlyOnce("\"action\":\"switch\"");
    }

    @Test
    void aRollbackSavedWhileItsResultWasOnItsWayDeliversItAfterARestart() throws Exception {
        try (KubernetesClient client = SIM.sim().newClient(app.ns())) {
            BlueGreen engine = BlueGreen.builder(client).namespace(app.ns()).build();
            engine.deploy(DeployRequest.builder("shop")
                    .image("registry.example/shop:2.0")
                    .holder("cli:x")
                    .build());
            engine.awaitHealthy("shop", Color.GREEN, Duration.ofSeconds(30));
            engine.switchTraffic(SwitchRequest.builder("shop")
                    .holder("cli:x")
                    .scaleDownDelay(Duration.ZERO)
                    .build());
        }
        byte[] saved = savedWhileDelivering(app.onSim(new RollbackStep("shop")), app.context());
        assertThat(resumedAndDeliveredAtOnce(saved).awaitSuccess()).isEqualTo("blue");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
    }

    @Test
    void aReleaseSavedAsTheBlockStartedResumesAndRunsTheBlock() throws Exception {
        BODIES.set(0);
        BlueGreenReleaseStep step = app.onSim(new BlueGreenReleaseStep("shop"));
        step.setImage("registry.example/shop:2.0");
        // the first JVM's block never gets anywhere (the controller died as it started); the resumed one approves
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, () -> {
            if (BODIES.incrementAndGet() == 1) {
                NEVER.await();
            }
            return "alice";
        });
        AtomicReference<ClusterStepExecution<?>> execution = new AtomicReference<>();
        ctx.saving = null;
        execution.set(app.sim().start(step, ctx));
        ctx.saving = execution.get(); // every later save is recorded, as Jenkins records the program's state
        awaitUntil(() -> ctx.bodyStartedOn != null);
        byte[] saved = ctx.savedAtBodyStart;
        assertThat(saved).as("a save before the block started").isNotNull();
        execution.get().cancelCurrent(); // the first JVM is gone

        ClusterStepExecution<?> restored = TestStepContext.restore(saved);
        restored.useRuntime(app.sim().runtime());
        restored.onResume();
        TestStepContext resumed = (TestStepContext) restored.getContext();
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) resumed.awaitSuccess();
        assertThat(r).containsEntry("switched", true).containsEntry("newColor", "green");
        assertThat(BODIES.get()).as("the resumed release ran its block").isEqualTo(2);
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).containsOnlyOnce("alice");
    }

    @Test
    void theComposedFormsLockIsRenewedAgainAfterARestartWhileItsBuildRuns() throws Exception {
        TestStepContext ctx = app.context();
        app.sim().start(app.deployStep("registry.example/shop:2.0"), ctx);
        ctx.awaitSuccess(); // the build now waits at its input step: nothing of ours runs in it
        assertThat(app.sim().runtime().keptLocks().all()).hasSize(1);
        Instant renewedBefore = lease().renewedAt();

        BuildLookup.Build running = new BuildLookup.Build() {
            @Override
            public hudson.model.Run<?, ?> run() {
                return null;
            }

            @Override
            public boolean isBuilding() {
                return true;
            }
        };
        BlueGreenRuntime restarted = app.sim().restart(id -> Optional.of(running));

        LockKeeper keeper = restarted
                .lockKeepers()
                .keeper(app.ns(), "shop")
                .orElseThrow(() -> new AssertionError("no keeper after the restart"));
        awaitUntil(() -> keeper.renewals() >= 1);
        assertThat(lease().renewedAt()).isAfter(renewedBefore);
        assertThat(lease().holder()).isEqualTo("jenkins:jenkins-shop-deploy-42");

        // the build's switch ends it, and nothing is kept for a later restart
        TestStepContext switching = app.context();
        app.sim().start(app.onSim(new SwitchTrafficStep("shop")), switching);
        assertThat(switching.awaitSuccess()).isEqualTo("green");
        assertThat(keeper.ended().get(60, TimeUnit.SECONDS)).isEqualTo(LockKeeper.End.STOPPED);
        assertThat(restarted.keptLocks().all()).isEmpty();
    }

    @Test
    void aLockKeptForABuildThatEndedMeanwhileIsForgottenAtTheRestart() throws Exception {
        app.runToSuccess(app.deployStep("registry.example/shop:2.0"));
        BlueGreenRuntime restarted = app.sim().restart(id -> Optional.empty());
        assertThat(restarted.lockKeepers().keeper(app.ns(), "shop")).isEmpty();
        assertThat(restarted.keptLocks().all()).isEmpty();
    }

    @Test
    void keptLocksSurviveInTheirFile(@TempDir Path home) throws Exception {
        File file = home.resolve("locks").toFile();
        KeptLocks before = KeptLocks.inFile(file);
        ScaleDownTasks.AppKey key = new ScaleDownTasks.AppKey("https://k8s.example", "shop-prod", "shop");
        before.kept(new KeptLocks.Kept(
                key,
                "jenkins:shop/deploy#42",
                "shop/deploy#42",
                app.deployStep("registry.example/shop:2.0").clusterOnly()));

        KeptLocks after = KeptLocks.inFile(file);
        assertThat(after.all()).singleElement().satisfies(k -> {
            assertThat(k.key()).isEqualTo(key);
            assertThat(k.build()).isEqualTo("shop/deploy#42");
            assertThat(k.cluster().getCredentialsId()).isEqualTo(PluginSim.CREDENTIALS_ID);
            assertThat(k.cluster().getNamespace()).isEqualTo(app.ns());
        });
        after.ended(key, "jenkins:shop/deploy#42");
        assertThat(KeptLocks.inFile(file).all()).isEmpty();
    }

    private io.jenkins.plugins.bluegreen.core.LockInfo lease() {
        return BlueGreen.builder(SIM.client())
                .namespace(app.ns())
                .build()
                .lock("shop")
                .orElseThrow();
    }

    private static void awaitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened");
            }
            Thread.sleep(20);
        }
    }
}
