package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import hudson.model.Result;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import jenkins.model.CauseOfInterruption;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** blueGreenRelease: the whole release around a body, which switches on success and abandons otherwise. */
class BlueGreenReleaseStepTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 2);

    /** Static: a body is serialized with its context, a flag in the test instance could not be. */
    private static final AtomicBoolean BODY_RAN = new AtomicBoolean();

    @BeforeEach
    void bodyNotRunYet() {
        BODY_RAN.set(false);
    }

    private BlueGreenReleaseStep release(String image) {
        BlueGreenReleaseStep step = app.onSim(new BlueGreenReleaseStep("shop"));
        step.setImage(image);
        return step;
    }

    private static TestStepContext withBody(TestStepContext.Body body) {
        return new TestStepContext(TestStepContext.buildEnv(), null, body);
    }

    @Test
    void switchesAfterTheBodyAndRecordsTheApproverAndBuild() throws Exception {
        TestStepContext ctx = withBody(() -> "alice");
        app.sim().start(release("registry.example/shop:2.0"), ctx);

        @SuppressWarnings("unchecked")
        Map<String, Object> r = (Map<String, Object>) ctx.awaitSuccess();

        assertThat(r)
                .containsEntry("switched", true)
                .containsEntry("healthy", true)
                .containsEntry("newColor", "green");
        BlueGreenDeployStepTest.assertPlainSerializable(r);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history"))
                .contains("alice")
                .contains("https://ci.example/job/shop/job/deploy/42/");
        assertThat(ctx.console())
                .contains("switched shop (Service shop): blue -> green (approved by alice)")
                .contains("to roll back: rollback app: 'shop'");
    }

    @Test
    void anExplicitApproverWinsOverTheBodysResult() throws Exception {
        BlueGreenReleaseStep step = release("registry.example/shop:2.0");
        step.setApprovedBy("release-board");
        TestStepContext ctx = withBody(() -> "alice");
        app.sim().start(step, ctx);
        ctx.awaitSuccess();
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history"))
                .contains("release-board")
                .doesNotContain("alice");
    }

    @Test
    void anAbortedBodyAbandonsTheNewColourAndRethrowsTheSameThrowable() throws Exception {
        FlowInterruptedException abort =
                new FlowInterruptedException(Result.ABORTED, new CauseOfInterruption.UserInterruption("bob"));
        TestStepContext ctx = withBody(() -> {
            throw abort;
        });
        app.sim().start(release("registry.example/shop:2.0"), ctx);

        assertThat(ctx.awaitFailure()).isSameAs(abort);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isZero();
        assertThat(ctx.console())
                .contains("abandoning green; live traffic stays as it was")
                .contains("abandoned shop-green");
        assertLockFree();
    }

    @Test
    void aFailingBodyAbandonsTooAndItsExceptionIsTheBuildsFailure() throws Exception {
        IllegalStateException smoke = new IllegalStateException("smoke test failed");
        TestStepContext ctx = withBody(() -> {
            throw smoke;
        });
        app.sim().start(release("registry.example/shop:2.0"), ctx);

        assertThat(ctx.awaitFailure()).isSameAs(smoke);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isZero();
    }

    @Test
    void stoppingTheBuildDuringTheBodyCancelsTheBodyAndAbandons() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        TestStepContext ctx = withBody(() -> {
            never.await();
            return "never";
        });
        ClusterStepExecution<?> execution = app.sim().start(release("registry.example/shop:2.0"), ctx);
        ctx.awaitConsole("when the block completes, traffic switches to it");
        while (ctx.bodyExecution() == null) {
            Thread.sleep(10);
        }
        assertThat(execution.getStatus())
                .isEqualTo("running the block; traffic switches to green of shop when it completes (no thread held)");
        FlowInterruptedException cause = new FlowInterruptedException(Result.ABORTED);

        execution.stop(cause);

        assertThat(ctx.awaitFailure()).isSameAs(cause);
        assertThat(ctx.bodyExecution().isCancelled()).isTrue();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isZero();
    }

    @Test
    void aStopWhileTheBodyIsStartingStillReachesTheBody() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        TestStepContext ctx = withBody(() -> {
            never.await();
            return "never";
        });
        ctx.bodyStartDelayMillis = 500; // the body runs, its invoker has not returned yet
        ClusterStepExecution<?> execution = app.sim().start(release("registry.example/shop:2.0"), ctx);
        while (ctx.bodyExecution() == null) {
            Thread.sleep(5);
        }
        FlowInterruptedException cause = new FlowInterruptedException(Result.ABORTED);

        execution.stop(cause);

        assertThat(ctx.awaitFailure()).isSameAs(cause);
        assertThat(ctx.bodyExecution().isCancelled())
                .as("the running body was cancelled, not left behind")
                .isTrue();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isZero();
    }

    @Test
    void anUnhealthyNewColourIsAbandonedBeforeTheBodyAndTheStepFailsWithThePodsReasons() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:broken", PodScript.IMAGE_PULL_ERROR);
        TestStepContext ctx = withBody(() -> {
            BODY_RAN.set(true);
            return "alice";
        });
        app.sim().start(release("registry.example/shop:broken"), ctx);

        Throwable failure = ctx.awaitFailure();

        assertThat(failure)
                .isExactlyInstanceOf(AbortException.class)
                .hasMessageStartingWith("blueGreenRelease: Deployment shop-green is unhealthy")
                .hasMessageContaining("ImagePull")
                .hasNoCause();
        assertThat(BODY_RAN).isFalse();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isZero();
        assertThat(ctx.console())
                .contains("green did not become healthy: abandoning it; live traffic stays as it was")
                .containsOnlyOnce("abandoned shop-green (scaled from 2 to 0); blue still serves traffic, untouched")
                .containsOnlyOnce("abandoned shop-green");
        assertThat(ctx.deliveries()).isEqualTo(1);
        assertLockFree();
    }

    @Test
    void aNewColourThatTimesOutIsAbandonedBeforeTheBody() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:stuck", PodScript.NEVER_READY);
        BlueGreenReleaseStep step = release("registry.example/shop:stuck");
        step.setTimeout("2s");
        TestStepContext ctx = withBody(() -> {
            BODY_RAN.set(true);
            return null;
        });
        app.sim().start(step, ctx);

        assertThat(ctx.awaitFailure())
                .isInstanceOf(AbortException.class)
                .hasMessageStartingWith("blueGreenRelease: ")
                .hasMessageContaining("was not healthy after 2s");
        assertThat(BODY_RAN).isFalse();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().deployment(app.ns(), "shop-green").getSpec().getReplicas())
                .isZero();
        assertLockFree();
    }

    @Test
    void theOldColourIsScaledDownAfterTheSwitchWithoutTheBuildWaiting() throws Exception {
        BlueGreenReleaseStep step = release("registry.example/shop:2.0");
        step.setScaleDownDelay("1s");
        TestStepContext ctx = withBody(() -> "alice");
        app.sim().start(step, ctx);
        ctx.awaitSuccess();
        assertThat(ctx.console())
                .contains("old colour blue will be scaled down at")
                .contains("(scaleDownDelay); rollback app: 'shop' before then is instant");

        ScaleDownResult done = app.sim().scaleDownTask(app.ns(), "shop").get(60, TimeUnit.SECONDS);

        assertThat(done.outcome()).isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
        assertThat(app.sim().deployment(app.ns(), "shop-blue").getSpec().getReplicas())
                .isZero();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
    }

    /** Another holder can take the app's lock at once: the release let go of it. */
    private void assertLockFree() {
        try (KubernetesClient client = SIM.sim().newClient(app.ns())) {
            BlueGreen engine = BlueGreen.builder(client).namespace(app.ns()).build();
            engine.acquireLock("shop", "jenkins:shop/other#7", Duration.ZERO);
            engine.releaseLock("shop", "jenkins:shop/other#7");
        }
    }
}
