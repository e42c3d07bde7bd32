package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import hudson.model.Result;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code verifyFor} on switchTraffic and blueGreenRelease: the window is core's watch, the step waits for it without a
 * thread, an auto-revert fails the step with the pods' reasons, an abort stops the watch and leaves traffic where it
 * is, and a safe restart waits for the window.
 */
class VerifyForStepTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 2);

    @AfterEach
    void clearScripts() {
        SIM.sim().scripts().clear();
    }

    private void deployGreen(String image) throws Exception {
        app.runToSuccess(app.deployStep(image)).awaitSuccess();
    }

    private SwitchTrafficStep switchStep(String verifyFor) {
        SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
        step.setApprovedBy("bob");
        step.setVerifyFor(verifyFor);
        return step;
    }

    private List<String> endpoints() {
        List<String> pods = new ArrayList<>();
        for (EndpointSlice slice : SIM.client()
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(app.ns())
                .withLabel("kubernetes.io/service-name", "shop")
                .list()
                .getItems()) {
            for (Endpoint e : slice.getEndpoints()) {
                boolean ready = e.getConditions() == null
                        || !Boolean.FALSE.equals(e.getConditions().getReady());
                pods.add(e.getTargetRef().getName() + (ready ? " ready" : " unready"));
            }
        }
        return pods;
    }

    private String lockHolder() {
        var lease = SIM.client()
                .leases()
                .inNamespace(app.ns())
                .withName("shop-bluegreen")
                .get();
        return lease == null ? null : lease.getSpec().getHolderIdentity();
    }

    @Test
    void aColourThatCrashLoopsFiveSecondsAfterTheSwitchIsRevertedAndTheStepFailsWithTheReasons() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:2.0", PodScript.crashAfter(Duration.ofSeconds(5)));
        deployGreen("registry.example/shop:2.0");
        TestStepContext ctx = app.context();
        ClusterStepExecution<?> execution = app.sim().start(switchStep("2m"), ctx);
        ctx.awaitConsole("verifying green of shop until");
        // watching holds no thread of the step pool, and a safe restart waits for the window
        assertThat(execution.getStatus()).contains("verifying green").contains("no thread held");
        assertThat(execution.blocksRestart()).isTrue();

        Throwable failure = ctx.awaitFailure();

        assertThat(failure)
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("green failed its verification")
                .hasMessageContaining("pod shop-green-")
                .hasMessageContaining("traffic is back on blue");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(endpoints())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e).startsWith("shop-blue-").endsWith(" ready"));
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history"))
                .contains("\"auto-revert\"")
                .contains("shop-green-");
        assertThat(lockHolder()).isNullOrEmpty();
    }

    @Test
    void aHealthyColourPassesAndTheStepReturnsItsColour() throws Exception {
        deployGreen("registry.example/shop:2.0");
        TestStepContext ctx = app.context();
        app.sim().start(switchStep("1s"), ctx);

        assertThat(ctx.awaitSuccess()).isEqualTo("green");
        assertThat(ctx.console()).contains("green passed its verification (1s)");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).contains("\"verifiedAt\"");
        assertThat(lockHolder()).isNullOrEmpty();
    }

    @Test
    void anAbortDuringTheWindowStopsTheWatchAndLeavesTrafficWhereItIs() throws Exception {
        deployGreen("registry.example/shop:2.0");
        TestStepContext ctx = app.context();
        ClusterStepExecution<?> execution = app.sim().start(switchStep("10m"), ctx);
        ctx.awaitConsole("verifying green of shop until");
        CompletableFuture<?> wait = execution.currentFuture();
        assertThat(lockHolder()).endsWith(":verifying");

        FlowInterruptedException cause = new FlowInterruptedException(Result.ABORTED);
        execution.stop(cause);

        assertThat(ctx.awaitFailure()).isSameAs(cause);
        assertThat(wait.isCancelled()).isTrue(); // core's verification: cancelled is stopped, its watches closed
        assertThat(ctx.console())
                .contains("traffic stays on green, not verified and not reverted")
                .contains("blue keeps running until")
                .contains("rollback app: 'shop'");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isEqualTo(2);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (lockHolder() != null && !lockHolder().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20); // the release runs on the engine pool after the stop returned
        }
        assertThat(lockHolder()).isNullOrEmpty();
        assertThat(execution.blocksRestart()).isFalse();
    }

    @Test
    void blueGreenReleaseVerifiesAfterTheBodyAndSaysSoInItsResult() throws Exception {
        BlueGreenReleaseStep step = app.onSim(new BlueGreenReleaseStep("shop"));
        step.setImage("registry.example/shop:2.0");
        step.setVerifyFor("1s");
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, () -> "alice");
        app.sim().start(step, ctx);

        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) ctx.awaitSuccess();

        assertThat(r).containsEntry("switched", true).containsEntry("verified", true);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
    }

    @Test
    void blueGreenReleaseRevertsACrashingColourWithoutAbandoningTheOldOne() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:2.0", PodScript.crashAfter(Duration.ofSeconds(3)));
        BlueGreenReleaseStep step = app.onSim(new BlueGreenReleaseStep("shop"));
        step.setImage("registry.example/shop:2.0");
        step.setVerifyFor("2m");
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, () -> "alice");
        app.sim().start(step, ctx);

        assertThat(ctx.awaitFailure())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("traffic is back on blue");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isEqualTo(2);
        assertThat(endpoints())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e).startsWith("shop-blue-").endsWith(" ready"));
    }

    @Test
    void aBadWindowIsRefusedNamingTheParameter() throws Exception {
        deployGreen("registry.example/shop:2.0");
        TestStepContext ctx = app.context();
        app.sim().start(switchStep("soon"), ctx);
        assertThat(ctx.awaitFailure()).hasMessageContaining("verifyFor");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
    }
}
