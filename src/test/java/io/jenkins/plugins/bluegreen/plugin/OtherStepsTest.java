package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import hudson.model.Result;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** switchTraffic, rollback and awaitHealthy, each after a blueGreenDeploy of the same build. */
class OtherStepsTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 2);

    private void deployGreen(String image, boolean wait) throws Exception {
        BlueGreenDeployStep step = app.deployStep(image);
        step.setWait(wait);
        app.runToSuccess(step);
    }

    private Object run(ClusterStep step) throws Exception {
        return app.runToSuccess(step).awaitSuccess();
    }

    @Test
    void switchTrafficReturnsTheNewLiveColourAndRecordsApproverAndBuild() throws Exception {
        deployGreen("registry.example/shop:2.0", true);
        SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
        step.setApprovedBy("bob");
        TestStepContext ctx = app.context();
        app.sim().start(step, ctx);

        assertThat(ctx.awaitSuccess()).isEqualTo("green");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history"))
                .contains("bob")
                .contains("https://ci.example/job/shop/job/deploy/42/");
        assertThat(ctx.console())
                .contains("[blue-green] switched shop (Service shop): blue -> green (approved by bob)");
        // the lock the deploy took is released by the switch of the same build
        assertThat(SIM.client()
                        .leases()
                        .inNamespace(app.ns())
                        .withName("shop-bluegreen")
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isNullOrEmpty();
    }

    @Test
    void switchTrafficCanWaitForTheOldColourToBeScaledDown() throws Exception {
        deployGreen("registry.example/shop:2.0", true);
        SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
        step.setScaleDownDelay("1s");
        step.setWaitForScaleDown(true);

        assertThat(run(step)).isEqualTo("green");
        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isZero();
    }

    @Test
    void aSecondRollbackStepFailsWritingNothingAndSaysHowToReRelease() throws Exception {
        deployGreen("registry.example/shop:2.0", true);
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        sw.setScaleDownDelay("0");
        run(sw);
        assertThat(run(app.onSim(new RollbackStep("shop")))).isEqualTo("blue");
        String history = app.sim().serviceAnnotation(app.ns(), "shop", "history");

        TestStepContext ctx = app.context();
        app.sim().start(app.onSim(new RollbackStep("shop")), ctx);
        assertThat(ctx.awaitFailure())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("already a rollback")
                .hasMessageContaining("switchTraffic to: 'green'");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).isEqualTo(history);
    }

    @Test
    void aDeployIntoTheRollbackTargetNeedsReplaceRollbackTarget() throws Exception {
        deployGreen("registry.example/shop:2.0", true);
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        sw.setScaleDownDelay("10m");
        run(sw);

        TestStepContext refused = app.context();
        app.sim().start(app.deployStep("registry.example/shop:3.0"), refused);
        assertThat(refused.awaitFailure())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("shop-blue is kept for a rollback")
                .hasMessageContaining("replaceRollbackTarget");

        BlueGreenDeployStep replace = app.deployStep("registry.example/shop:3.0");
        replace.setReplaceRollbackTarget(true);
        app.runToSuccess(replace).awaitSuccess();
        assertThat(app.sim()
                        .deployment(app.ns(), "shop-blue")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("registry.example/shop:3.0");
    }

    @Test
    void rollbackAfterASwitchGoesBackToThePreviousColour() throws Exception {
        deployGreen("registry.example/shop:2.0", true);
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        sw.setScaleDownDelay("0");
        run(sw);

        RollbackStep rollback = app.onSim(new RollbackStep("shop"));
        TestStepContext ctx = app.context();
        app.sim().start(rollback, ctx);

        assertThat(ctx.awaitSuccess()).isEqualTo("blue");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(ctx.console()).contains("[blue-green] rolled back shop: green -> blue");
    }

    @Test
    void rollbackBeforeASwitchAbandonsTheNewColour() throws Exception {
        deployGreen("registry.example/shop:2.0", true);
        TestStepContext ctx = app.context();
        app.sim().start(app.onSim(new RollbackStep("shop")), ctx);

        assertThat(ctx.awaitSuccess()).isEqualTo("blue");
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isZero();
        // said once, by the engine as it happened
        assertThat(ctx.console())
                .containsOnlyOnce("abandoned")
                .contains("abandoned shop-green (scaled from 2 to 0); " + "blue still serves traffic, untouched");
    }

    @Test
    void awaitHealthyReturnsAHealthMap() throws Exception {
        deployGreen("registry.example/shop:2.0", false);
        AwaitHealthyStep step = app.onSim(new AwaitHealthyStep("shop"));
        step.setColor("green");
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) run(step);

        assertThat(r)
                .containsOnlyKeys(
                        "app",
                        "color",
                        "deployment",
                        "ready",
                        "desired",
                        "images",
                        "healthy",
                        "testedRevision",
                        "imageDigests")
                .containsEntry("color", "green")
                .containsEntry("deployment", "shop-green")
                .containsEntry("ready", 2)
                .containsEntry("desired", 2)
                .containsEntry("healthy", true);
        assertThat(r.get("images")).isEqualTo(List.of("registry.example/shop:2.0"));
        BlueGreenDeployStepTest.assertPlainSerializable(r);
    }

    @Test
    void awaitHealthyFailsFastWithThePodsReason() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:crash", PodScript.CRASH_LOOP);
        deployGreen("registry.example/shop:crash", false);
        TestStepContext ctx = app.context();
        app.sim().start(app.onSim(new AwaitHealthyStep("shop")), ctx);

        assertThat(ctx.awaitFailure())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("awaitHealthy: Deployment shop-green is unhealthy")
                .hasMessageContaining("CrashLoopBackOff");
    }

    @Test
    void awaitHealthyTimesOutAndAStopCancelsItsWait() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:stuck", PodScript.NEVER_READY);
        deployGreen("registry.example/shop:stuck", false);
        AwaitHealthyStep timed = app.onSim(new AwaitHealthyStep("shop"));
        timed.setTimeout("1s");
        TestStepContext ctx = app.context();
        app.sim().start(timed, ctx);
        assertThat(ctx.awaitFailure()).hasMessageContaining("was not healthy after 1s");

        TestStepContext stopped = app.context();
        ClusterStepExecution<?> execution = app.sim().start(app.onSim(new AwaitHealthyStep("shop")), stopped);
        while (execution.currentFuture() == null) {
            Thread.sleep(10);
        }
        var wait = execution.currentFuture();
        FlowInterruptedException cause = new FlowInterruptedException(Result.ABORTED);
        execution.stop(cause);
        assertThat(stopped.awaitFailure()).isSameAs(cause);
        assertThat(wait.isCancelled()).isTrue();
        assertThat(stopped.console()).contains("waiting writes nothing; live traffic was not touched");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
    }

    @Test
    void aResumedAwaitHealthyWaitsAgain() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:slow", PodScript.slow(Duration.ofSeconds(2)));
        deployGreen("registry.example/shop:slow", false);
        TestStepContext ctx = app.context();
        ClusterStepExecution<?> execution = app.sim().start(app.onSim(new AwaitHealthyStep("shop")), ctx);
        while (execution.currentFuture() == null) {
            Thread.sleep(10);
        }
        ClusterStepExecution<?> restored = BlueGreenDeployStepTest.roundTrip(execution);
        execution.cancelCurrent();
        restored.onResume();
        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) ((TestStepContext) restored.getContext()).awaitSuccess();
        assertThat(r).containsEntry("healthy", true);
    }
}
