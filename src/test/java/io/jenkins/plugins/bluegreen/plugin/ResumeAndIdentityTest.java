package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Who a build is to the cluster, token credentials end to end, and a switch resumed after a restart. */
class ResumeAndIdentityTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 1);

    private static final String OTHER = "jenkins:shop/other#7";
    private static volatile java.util.concurrent.CountDownLatch PROCEED;

    static final class FakeRun implements RunningBuild {
        @Override
        public String externalizableId() {
            return "shop/deploy#42";
        }

        @Override
        public boolean isBuilding() {
            return true;
        }
    }

    @Test
    void theLockNamesTheBuildByItsRunAndFallsBackToBuildTag() throws Exception {
        assertThat(BuildIdentity.of(new FakeRun(), TestStepContext.buildEnv()))
                .isEqualTo(new BuildIdentity("jenkins:shop/deploy#42", "https://ci.example/job/shop/job/deploy/42/"));
        assertThat(BuildIdentity.of(null, new EnvVars("BUILD_TAG", "jenkins-shop-deploy-42")))
                .isEqualTo(new BuildIdentity("jenkins:jenkins-shop-deploy-42", null));

        TestStepContext ctx = app.context().withRun(new FakeRun());
        app.sim().start(app.deployStep("registry.example/shop:2.0"), ctx);
        ctx.awaitSuccess();
        assertThat(SIM.client()
                        .leases()
                        .inNamespace(app.ns())
                        .withName("shop-bluegreen")
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isEqualTo("jenkins:shop/deploy#42");
    }

    @Test
    void aSecretTextTokenWorksAndNeverReachesTheConsole() throws Exception {
        String token = "service-account-token-5e6f7a8b";
        app.sim().credentials.put("sa-token", new FakeCredentials.Token("sa-token", token));
        BlueGreenReleaseStep step = new BlueGreenReleaseStep("shop");
        step.setCredentialsId("sa-token");
        step.setServerUrl(SIM.sim().url());
        step.setNamespace(app.ns());
        step.setImage("registry.example/shop:2.0");
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, () -> "alice");
        app.sim().start(step, ctx);

        ctx.awaitSuccess();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
        assertThat(ctx.console())
                .contains("[blue-green] ")
                .doesNotContain(token)
                .doesNotContain(PluginSim.TOKEN);
    }

    @Test
    void stepsOfManyBuildsShareOneClient() throws Exception {
        for (int i = 0; i < 3; i++) {
            AwaitHealthyStep blue = app.onSim(new AwaitHealthyStep("shop"));
            blue.setColor("blue");
            app.runToSuccess(blue);
        }
        assertThat(app.sim().runtime().clients().size()).isEqualTo(1);
    }

    @Test
    void aSwitchResumedAfterARestartDoesNotSwitchTwice() throws Exception {
        // another build holds the app's lock, so our switch waits inside core: a restart at that moment
        try (KubernetesClient client = SIM.sim().newClient(app.ns())) {
            BlueGreen engine = BlueGreen.builder(client).namespace(app.ns()).build();
            engine.deploy(DeployRequest.builder("shop")
                    .image("registry.example/shop:2.0")
                    .holder(OTHER)
                    .build());
            engine.awaitHealthy("shop", Color.GREEN, Duration.ofSeconds(30));

            SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
            step.setLockWait("1m");
            step.setApprovedBy("carol");
            TestStepContext ctx = app.context();
            ClusterStepExecution<?> execution = app.sim().start(step, ctx);
            awaitLockWaiter(client);
            ClusterStepExecution<?> restored = BlueGreenDeployStepTest.roundTrip(execution);

            // the lock frees and the switch of the old JVM gets written, as it may before Jenkins goes down
            engine.releaseLock("shop", OTHER);
            assertThat(ctx.awaitSuccess()).isEqualTo("green");

            restored.onResume();
            TestStepContext restoredCtx = (TestStepContext) restored.getContext();
            assertThat(restoredCtx.awaitSuccess()).isEqualTo("green");
            assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
            assertThat(restoredCtx.console()).contains("the switch of shop to green was written before the restart");
            assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).containsOnlyOnce("carol");
        }
    }

    @Test
    void aReleaseResumedMidSwitchFinishesWhenItsColourIsLive() throws Exception {
        PROCEED = new java.util.concurrent.CountDownLatch(1);
        BlueGreenReleaseStep step = app.onSim(new BlueGreenReleaseStep("shop"));
        step.setImage("registry.example/shop:2.0");
        step.setLockWait("1m");
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, () -> {
            PROCEED.await(); // static: a body is serialized with the execution, a latch could not be
            return "dave";
        });
        ClusterStepExecution<?> execution = app.sim().start(step, ctx);
        ctx.awaitConsole("when the block completes, traffic switches to it");
        try (KubernetesClient client = SIM.sim().newClient(app.ns())) {
            BlueGreen engine = BlueGreen.builder(client).namespace(app.ns()).build();
            engine.takeOverLock("shop", OTHER); // someone else's operation while the approver looks
            PROCEED.countDown();
            awaitLockWaiter(client);
            ClusterStepExecution<?> restored = BlueGreenDeployStepTest.roundTrip(execution);

            engine.releaseLock("shop", OTHER);
            ctx.awaitSuccess();

            restored.onResume();
            TestStepContext restoredCtx = (TestStepContext) restored.getContext();
            @SuppressWarnings("unchecked")
            java.util.Map<String, Object> r = (java.util.Map<String, Object>) restoredCtx.awaitSuccess();
            assertThat(r).containsEntry("switched", true).containsEntry("newColor", "green");
            assertThat(restoredCtx.console()).contains("the switch of shop to green was written before the restart");
            assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).containsOnlyOnce("dave");
        }
    }

    @Test
    void aRollbackResumedAfterItWasWrittenDoesNotRollBackAgain() throws Exception {
        try (KubernetesClient client = SIM.sim().newClient(app.ns())) {
            BlueGreen engine = BlueGreen.builder(client).namespace(app.ns()).build();
            engine.deploy(DeployRequest.builder("shop")
                    .image("registry.example/shop:2.0")
                    .holder(OTHER)
                    .build());
            engine.awaitHealthy("shop", Color.GREEN, Duration.ofSeconds(30));
            engine.switchTraffic(io.jenkins.plugins.bluegreen.core.SwitchRequest.builder("shop")
                    .holder(OTHER)
                    .scaleDownDelay(Duration.ZERO)
                    .build());
            engine.acquireLock("shop", OTHER, Duration.ZERO);
            // OTHER announces a deploy into the idle colour: only then must a rollback wait for the lock (a rollback
            // while the previous colour runs and nothing is announced needs none, and would finish at once)
            client.services().withName("shop").edit(s -> {
                s.getMetadata()
                        .getAnnotations()
                        .put("bluegreen.jenkins.io/deploying", "color=blue;since=2026-01-01T00:00:00Z;holder=" + OTHER);
                return s;
            });

            RollbackStep step = app.onSim(new RollbackStep("shop"));
            step.setLockWait("1m");
            TestStepContext ctx = app.context();
            ClusterStepExecution<?> execution = app.sim().start(step, ctx);
            awaitLockWaiter(client);
            ClusterStepExecution<?> restored = BlueGreenDeployStepTest.roundTrip(execution);

            engine.releaseLock("shop", OTHER);
            assertThat(ctx.awaitSuccess()).isEqualTo("blue");

            restored.onResume();
            TestStepContext restoredCtx = (TestStepContext) restored.getContext();
            assertThat(restoredCtx.awaitSuccess()).isEqualTo("blue");
            assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
            assertThat(restoredCtx.console()).contains("the rollback of shop to blue was written before the restart");
        }
    }

    @Test
    void aRollbackResumedBeforeItWroteAnythingStopsAndSaysWhatToCheck() throws Exception {
        try (KubernetesClient client = SIM.sim().newClient(app.ns())) {
            BlueGreen engine = BlueGreen.builder(client).namespace(app.ns()).build();
            engine.deploy(DeployRequest.builder("shop")
                    .image("registry.example/shop:2.0")
                    .holder(OTHER)
                    .build());
            engine.awaitHealthy("shop", Color.GREEN, Duration.ofSeconds(30));
            engine.switchTraffic(io.jenkins.plugins.bluegreen.core.SwitchRequest.builder("shop")
                    .holder(OTHER)
                    .scaleDownDelay(Duration.ZERO)
                    .build());
            engine.acquireLock("shop", OTHER, Duration.ZERO);
            client.services().withName("shop").edit(s -> {
                s.getMetadata()
                        .getAnnotations()
                        .put("bluegreen.jenkins.io/deploying", "color=blue;since=2026-01-01T00:00:00Z;holder=" + OTHER);
                return s;
            });
            RollbackStep step = app.onSim(new RollbackStep("shop"));
            step.setLockWait("1m");
            TestStepContext ctx = app.context();
            ClusterStepExecution<?> execution = app.sim().start(step, ctx);
            awaitLockWaiter(client);
            ClusterStepExecution<?> restored = BlueGreenDeployStepTest.roundTrip(execution);
            execution.stop(new InterruptedException("the controller went down")); // it never wrote anything

            restored.onResume();
            TestStepContext restoredCtx = (TestStepContext) restored.getContext();
            assertThat(restoredCtx.awaitFailure())
                    .hasMessageContaining(
                            "green is live and the Service's history has " + "no switch back by this build")
                    .hasMessageContaining("call rollback again if it is still needed");
            assertThat(app.sim().liveColor(app.ns(), "shop"))
                    .as("a resumed rollback that cannot tell writes nothing")
                    .isEqualTo("green");
        }
    }

    @Test
    void aDeployWaitingForTheLockLeavesCoresPoolFreeForOtherBuildsWaits() throws Exception {
        try (KubernetesClient client = SIM.sim().newClient(app.ns())) {
            BlueGreen engine = BlueGreen.builder(client).namespace(app.ns()).build();
            engine.acquireLock("shop", OTHER, Duration.ZERO);
            BlueGreenDeployStep step = app.deployStep("registry.example/shop:2.0");
            step.setLockWait("1m");
            TestStepContext ctx = app.context();
            app.sim().start(step, ctx);
            awaitLockWaiter(client);

            var enginePool = (java.util.concurrent.ThreadPoolExecutor)
                    app.sim().runtime().engineExecutor();
            // opening the wait's watch takes a core thread for a moment; waiting takes none
            for (int i = 0; i < 3000 && enginePool.getActiveCount() > 0; i++) {
                Thread.sleep(10);
            }
            assertThat(enginePool.getActiveCount())
                    .as("core threads held by a deploy waiting for the lock")
                    .isZero();

            engine.releaseLock("shop", OTHER);
            ctx.awaitSuccess();
        }
    }

    /** Until our switch is waiting on the other build's Lease (it watches it). */
    private static void awaitLockWaiter(KubernetesClient client) throws InterruptedException {
        long before = SIM.sim().requests().count("watch", "/apis/coordination.k8s.io/**");
        for (int i = 0;
                i < 3000 && SIM.sim().requests().count("watch", "/apis/coordination.k8s.io/**") == before;
                i++) {
            Thread.sleep(10);
        }
        assertThat(SIM.sim().requests().count("watch", "/apis/coordination.k8s.io/**"))
                .isGreaterThan(before);
    }
}
