package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A switch that does not wait still gets the old colour scaled down: the runtime does it in the background when
 * the delay has passed, outside the build, and a newer release of the app cancels a pending one.
 */
class BackgroundScaleDownTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    private PluginSim sim;
    private String ns;

    @BeforeEach
    void seed() {
        sim = new PluginSim(SIM.sim(), SIM.client());
        ns = SIM.newNamespace();
        sim.seedLive(ns, "shop", 2, "registry.example/shop:1.0");
    }

    @AfterEach
    void close() {
        sim.close();
    }

    private TestStepContext run(ClusterStep step) throws Exception {
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, null);
        PluginSim.start(step, ctx);
        ctx.awaitSuccess();
        return ctx;
    }

    private void deploy(String image) throws Exception {
        BlueGreenDeployStep step = PluginSim.onSim(new BlueGreenDeployStep("shop"), ns);
        step.setImage(image);
        run(step);
    }

    private TestStepContext switchTraffic(String scaleDownDelay) throws Exception {
        SwitchTrafficStep step = PluginSim.onSim(new SwitchTrafficStep("shop"), ns);
        step.setScaleDownDelay(scaleDownDelay);
        return run(step);
    }

    @Test
    void aSwitchThatDoesNotWaitHasTheOldColourScaledDownWhenDue() throws Exception {
        deploy("registry.example/shop:2.0");

        TestStepContext ctx = switchTraffic("1s");

        assertThat(ctx.console()).contains("[blue-green] old colour blue will be scaled down at ")
                .contains(" (scaleDownDelay); rollback app: 'shop' before then is instant");
        ScaleDownResult done = sim.scaleDownTask(ns, "shop").get(60, TimeUnit.SECONDS);
        assertThat(done.outcome()).isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
        assertThat(done.deployment()).isEqualTo("shop-blue");
        assertThat(sim.deployment(ns, "shop-blue").getSpec().getReplicas()).isZero();
        assertThat(sim.liveColor(ns, "shop")).isEqualTo("green");
    }

    @Test
    void aNewerDeployOfTheAppCancelsThePendingScaleDown() throws Exception {
        deploy("registry.example/shop:2.0");
        switchTraffic("1h");
        CompletableFuture<ScaleDownResult> pending = sim.scaleDownTask(ns, "shop");
        assertThat(pending).isNotDone();

        deploy("registry.example/shop:3.0"); // into blue, the colour that was scheduled

        assertThat(pending).isCancelled();
        assertThat(sim.deployment(ns, "shop-blue").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void aNewerSwitchReplacesThePendingScaleDown() throws Exception {
        deploy("registry.example/shop:2.0");
        switchTraffic("1h");
        CompletableFuture<ScaleDownResult> first = sim.scaleDownTask(ns, "shop");
        deploy("registry.example/shop:3.0");

        switchTraffic("1s");

        assertThat(first).isCancelled();
        CompletableFuture<ScaleDownResult> second = sim.scaleDownTask(ns, "shop");
        assertThat(second).isNotSameAs(first);
        assertThat(second.get(60, TimeUnit.SECONDS).deployment()).isEqualTo("shop-green");
        assertThat(sim.deployment(ns, "shop-green").getSpec().getReplicas()).isZero();
    }

    @Test
    void aSwitchThatWaitsForTheScaleDownLeavesNothingInTheBackground() throws Exception {
        deploy("registry.example/shop:2.0");
        SwitchTrafficStep step = PluginSim.onSim(new SwitchTrafficStep("shop"), ns);
        step.setScaleDownDelay("1s");
        step.setWaitForScaleDown(true);

        run(step);

        assertThat(sim.deployment(ns, "shop-blue").getSpec().getReplicas()).isZero();
        assertThat(sim.scaleDownStarted(ns, "shop")).isFalse();
    }

    @Test
    void aRollbackHandsTheColourItLeftToTheBackgroundToo() throws Exception {
        deploy("registry.example/shop:2.0");
        switchTraffic("0");
        assertThat(sim.scaleDownStarted(ns, "shop")).isFalse();

        run(PluginSim.onSim(new RollbackStep("shop"), ns));

        // core schedules green with its default delay (30s); the task waits for it on a timer, not in the build
        assertThat(sim.scaleDownTask(ns, "shop")).isNotDone();
        assertThat(sim.deployment(ns, "shop-green").getMetadata().getAnnotations())
                .containsKey("bluegreen.jenkins.io/scale-down-at");
    }
}
