package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.EnvVars;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The cleanup a pipeline runs in {@code post} after a failure, {@code rollback abandonOnly: true}, abandons only what
 * its own build deployed and never moves traffic, whichever step failed, before or after the deploy announced itself.
 * Production runs green (approved) with blue kept for a fast rollback — exactly what a plain rollback would flip back
 * to.
 */
class FailureCleanupTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 2);

    @BeforeEach
    void greenIsLiveAndBlueIsKeptForRollback() throws Exception {
        app.runToSuccess(app.deployStep("registry.example/shop:2.0"));
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        // kept with no scheduled scale-down, so no rollback window: the builds below may deploy into blue
        sw.setScaleDownDelay("0");
        app.runToSuccess(sw);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
    }

    /** Another build of the same job: its own lock holder and build URL. */
    private TestStepContext build(int number) {
        EnvVars env = new EnvVars(
                "BUILD_TAG",
                "jenkins-shop-deploy-" + number,
                "BUILD_URL",
                "https://ci.example/job/shop/job/deploy/" + number + "/");
        return new TestStepContext(env, null, null).withRun(new RunningBuild() {
            @Override
            public String externalizableId() {
                return "shop/deploy#" + number;
            }

            @Override
            public boolean isBuilding() {
                return true;
            }
        });
    }

    private record Live(String color, String history, Integer blueReplicas, String blueImage) {}

    private Live live() {
        var blue = app.sim().deployment(app.ns(), "shop-blue");
        return new Live(
                app.sim().liveColor(app.ns(), "shop"),
                app.sim().serviceAnnotation(app.ns(), "shop", "history"),
                blue.getSpec().getReplicas(),
                blue.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    }

    /** Runs the pipeline's cleanup as build {@code number}; returns its console. */
    private String cleanup(int number) throws Exception {
        RollbackStep step = app.onSim(new RollbackStep("shop"));
        step.setAbandonOnly(true);
        TestStepContext ctx = build(number);
        app.sim().start(step, ctx);
        assertThat(ctx.awaitSuccess()).isEqualTo("green");
        return ctx.console();
    }

    private Throwable deployFails(BlueGreenDeployStep step, TestStepContext ctx) throws Exception {
        app.sim().start(step, ctx);
        return ctx.awaitFailure();
    }

    private void assertNothingChanged(Live before, String console) {
        assertThat(live()).isEqualTo(before);
        assertThat(console).contains("nothing of this build to abandon for shop; live traffic untouched");
    }

    @Test
    void deployRefusedOnBadInput() throws Exception {
        Live before = live();
        assertThat(deployFails(app.deployStep("registry.example/shop:2.5 rc1"), build(43)))
                .hasMessageContaining("nothing was changed");
        SIM.sim().requests().reset();

        assertNothingChanged(before, cleanup(43));
        assertThat(app.sim().writes()).isZero();
    }

    @Test
    void deployRefusedOnTheLockHeldByAnotherBuild() throws Exception {
        TestStepContext other = build(44);
        app.sim().start(app.deployStep("registry.example/shop:3.0"), other);
        other.awaitSuccess();
        Live before = live(); // build 44 deployed blue and holds the lock: its release, not ours
        assertThat(deployFails(app.deployStep("registry.example/shop:2.5"), build(43)))
                .hasMessageContaining("jenkins:shop/deploy#44");

        assertNothingChanged(before, cleanup(43));
    }

    @Test
    void deployFailedOnAnApiErrorBeforeAnnouncing() throws Exception {
        Live before = live();
        var refused = SIM.sim()
                .faults()
                .add(FaultRule.on("put", "/api/v1/namespaces/" + app.ns() + "/services/shop")
                        .respond(403));
        assertThat(deployFails(app.deployStep("registry.example/shop:2.5"), build(43)))
                .isNotNull();
        refused.remove();

        assertNothingChanged(before, cleanup(43));
    }

    @Test
    void abortedWhileWaitingForTheLock() throws Exception {
        app.runToSuccess(app.deployStep("registry.example/shop:3.0")); // build 42 holds the lock, deploying blue
        Live before = live();
        BlueGreenDeployStep waiting = app.deployStep("registry.example/shop:2.5");
        waiting.setLockWait("5m");
        TestStepContext ctx = build(43);
        ClusterStepExecution<?> execution = app.sim().start(waiting, ctx);
        execution.stop(new FlowInterruptedException(hudson.model.Result.ABORTED, true));
        ctx.awaitFailure();

        assertNothingChanged(before, cleanup(43));
    }

    @Test
    void afterTheAnnouncementTheBuildsOwnReleaseIsAbandonedAndLiveIsUntouched() throws Exception {
        // deployed and healthy, then the approval was rejected: the cleanup's real job
        TestStepContext deploy = build(43);
        app.sim().start(app.deployStep("registry.example/shop:2.5"), deploy);
        deploy.awaitSuccess();
        String history = app.sim().serviceAnnotation(app.ns(), "shop", "history");

        String console = cleanup(43);

        assertThat(console)
                .containsOnlyOnce("abandoned")
                .contains("abandoned shop-blue (scaled from 2 to 0); green still serves traffic, untouched");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).isEqualTo(history);
        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isZero();
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "deploying")).isNull();
        assertThat(SIM.client()
                        .leases()
                        .inNamespace(app.ns())
                        .withName("shop-bluegreen")
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isNullOrEmpty();
        // run again (a retried post, a resumed step): nothing left, nothing changed
        assertThat(cleanup(43)).contains("nothing of this build to abandon");
    }

    @Test
    void anUnhealthyNewColourIsAbandonedAndLiveStays() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:broken", PodScript.IMAGE_PULL_ERROR);
        String history = app.sim().serviceAnnotation(app.ns(), "shop", "history");
        assertThat(deployFails(app.deployStep("registry.example/shop:broken"), build(43)))
                .hasMessageContaining("shop-blue");

        assertThat(cleanup(43)).containsOnlyOnce("abandoned shop-blue");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).isEqualTo(history);
        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isZero();
    }

    @Test
    void aSwitchRefusedByTheApiLeavesLiveAndTheCleanupAbandonsTheUnswitchedRelease() throws Exception {
        TestStepContext deploy = build(43);
        app.sim().start(app.deployStep("registry.example/shop:2.5"), deploy);
        deploy.awaitSuccess();
        String history = app.sim().serviceAnnotation(app.ns(), "shop", "history");
        var refused = SIM.sim()
                .faults()
                .add(FaultRule.on("put", "/api/v1/namespaces/" + app.ns() + "/services/shop")
                        .respond(403));
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        TestStepContext switching = build(43);
        app.sim().start(sw, switching);
        assertThat(switching.awaitFailure()).hasMessageContaining("forbidden");
        refused.remove();

        assertThat(cleanup(43)).containsOnlyOnce("abandoned shop-blue");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).isEqualTo(history);
    }

    @Test
    void afterTheSwitchNothingIsLeftToAbandonAndTrafficStays() throws Exception {
        app.runToSuccess(app.deployStep("registry.example/shop:3.0"));
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        // kept with no scheduled scale-down, so no rollback window: the builds below may deploy into blue
        sw.setScaleDownDelay("0");
        TestStepContext ctx = app.context();
        app.sim().start(sw, ctx);
        assertThat(ctx.awaitSuccess()).isEqualTo("blue");
        String history = app.sim().serviceAnnotation(app.ns(), "shop", "history");

        RollbackStep step = app.onSim(new RollbackStep("shop"));
        step.setAbandonOnly(true);
        TestStepContext cleanup = app.context(); // the same build (42) that switched
        app.sim().start(step, cleanup);

        assertThat(cleanup.awaitSuccess()).isEqualTo("blue");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).isEqualTo(history);
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isEqualTo(2);
    }

    @Test
    void abandonOnlyAndTakeOverLockTogetherAreRefused() throws Exception {
        RollbackStep step = app.onSim(new RollbackStep("shop"));
        step.setAbandonOnly(true);
        step.setTakeOverLock(true);
        TestStepContext ctx = build(43);
        app.sim().start(step, ctx);
        assertThat(ctx.awaitFailure()).hasMessageContaining("takeOverLock").hasMessageContaining("abandonOnly");
    }
}
