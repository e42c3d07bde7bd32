package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A switch that does not wait still gets the old colour scaled down: the runtime does it in the background when
 * the delay has passed, outside the build, and a newer release of the app cancels a pending one.
 */
class BackgroundScaleDownTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 2);

    private void deploy(String image) throws Exception {
        app.runToSuccess(app.deployStep(image));
    }

    /** A deploy into the colour still kept for a rollback (its window is open): asked for explicitly. */
    private void deployReplacingTheRollbackTarget(String image) throws Exception {
        BlueGreenDeployStep step = app.deployStep(image);
        step.setReplaceRollbackTarget(true);
        app.runToSuccess(step);
    }

    private TestStepContext switchTraffic(String scaleDownDelay) throws Exception {
        SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
        step.setScaleDownDelay(scaleDownDelay);
        return app.runToSuccess(step);
    }

    @Test
    void aSwitchThatDoesNotWaitHasTheOldColourScaledDownWhenDue() throws Exception {
        deploy("registry.example/shop:2.0");

        TestStepContext ctx = switchTraffic("1s");

        assertThat(ctx.console())
                .contains("[blue-green] old colour blue will be scaled down at ")
                .contains(" (scaleDownDelay); rollback app: 'shop' before then is instant");
        ScaleDownResult done = app.sim().scaleDownTask(app.ns(), "shop").get(60, TimeUnit.SECONDS);
        assertThat(done.outcome()).isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
        assertThat(done.deployment()).isEqualTo("shop-blue");
        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isZero();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
    }

    @Test
    void aNewerDeployOfTheAppCancelsThePendingScaleDown() throws Exception {
        deploy("registry.example/shop:2.0");
        switchTraffic("1h");
        CompletableFuture<ScaleDownResult> pending = app.sim().scaleDownTask(app.ns(), "shop");
        assertThat(pending).isNotDone();

        deployReplacingTheRollbackTarget("registry.example/shop:3.0"); // into blue, the colour that was scheduled

        assertThat(pending).isCancelled();
        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isEqualTo(2);
    }

    @Test
    void aNewerSwitchReplacesThePendingScaleDown() throws Exception {
        deploy("registry.example/shop:2.0");
        switchTraffic("1h");
        CompletableFuture<ScaleDownResult> first = app.sim().scaleDownTask(app.ns(), "shop");
        deployReplacingTheRollbackTarget("registry.example/shop:3.0");

        switchTraffic("1s");

        assertThat(first).isCancelled();
        CompletableFuture<ScaleDownResult> second = app.sim().scaleDownTask(app.ns(), "shop");
        assertThat(second).isNotSameAs(first);
        assertThat(second.get(60, TimeUnit.SECONDS).deployment()).isEqualTo("shop-green");
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isZero();
    }

    @Test
    void aSwitchThatWaitsForTheScaleDownLeavesNothingInTheBackground() throws Exception {
        deploy("registry.example/shop:2.0");
        SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
        step.setScaleDownDelay("1s");
        step.setWaitForScaleDown(true);

        app.runToSuccess(step);

        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isZero();
        assertThat(app.sim().scaleDownStarted(app.ns(), "shop")).isFalse();
    }

    @Test
    void aRollbackHandsTheColourItLeftToTheBackgroundToo() throws Exception {
        deploy("registry.example/shop:2.0");
        switchTraffic("0");
        assertThat(app.sim().scaleDownStarted(app.ns(), "shop")).isFalse();

        app.runToSuccess(app.onSim(new RollbackStep("shop")));

        // core schedules green with its default delay (30s); the task waits for it on a timer, not in the build
        assertThat(app.sim().scaleDownTask(app.ns(), "shop")).isNotDone();
        assertThat(app.sim().deployment(app.ns(), "shop-green").getMetadata().getAnnotations())
                .containsKey("bluegreen.jenkins.io/scale-down-at");
    }
}
