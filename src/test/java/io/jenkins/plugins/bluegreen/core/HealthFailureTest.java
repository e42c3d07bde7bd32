package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** awaitHealthy fails fast with the pods' own reasons, times out otherwise, and survives dropped watches. */
class HealthFailureTest {
    /** One spec second is 20 ms here, so progressDeadlineSeconds and minReadySeconds tests are quick. */
    @RegisterExtension
    static final EngineSim SIM =
            EngineSim.of(KubeSim.builder().readyDelay(Duration.ofMillis(50)).specSecond(Duration.ofMillis(20)));

    private static final Duration LONG = Duration.ofSeconds(60);

    private final RecordingListener listener = new RecordingListener();

    private final SimApps apps = SIM.liveOnBlue(3);
    private final BlueGreen blueGreen =
            SIM.engine(apps.namespace()).listener(listener).build();

    private UnhealthyException deployAndFail(String image, PodScript script) {
        SIM.sim().scripts().image(image, script);
        blueGreen.deploy(
                DeployRequest.builder("myapp").image(image).holder(HOLDER).build());
        long started = System.nanoTime();
        Throwable thrown =
                org.assertj.core.api.Assertions.catchThrowable(() -> blueGreen.awaitHealthy("myapp", null, LONG));
        assertThat(thrown).isInstanceOf(UnhealthyException.class);
        // fail fast: nowhere near the timeout
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        return (UnhealthyException) thrown;
    }

    @Test
    void imagePullErrorsFailFastNamingThePods() {
        UnhealthyException e = deployAndFail("myapp:no-such-tag", PodScript.IMAGE_PULL_ERROR);

        assertThat(e.reason()).isIn("ErrImagePull", "ImagePullBackOff");
        assertThat(e.deployment()).isEqualTo("myapp-green");
        assertThat(e.pods()).isNotEmpty().allSatisfy(p -> assertThat(p.pod()).startsWith("myapp-green-"));
        assertThat(e.getMessage()).contains(e.pods().get(0).pod()).contains(e.reason());
    }

    @Test
    void crashLoopsFailFast() {
        UnhealthyException e = deployAndFail("myapp:crashes", PodScript.CRASH_LOOP);

        assertThat(e.reason()).isEqualTo("CrashLoopBackOff");
        assertThat(e.pods().get(0).message()).contains("back-off");
    }

    @Test
    void containerConfigErrorsFailFast() {
        assertThat(deployAndFail("myapp:no-secret", PodScript.CREATE_CONFIG_ERROR)
                        .reason())
                .isEqualTo("CreateContainerConfigError");
    }

    @Test
    void unschedulablePodsFailFast() {
        UnhealthyException e = deployAndFail("myapp:huge", PodScript.UNSCHEDULABLE);

        assertThat(e.reason()).isEqualTo("Unschedulable");
        assertThat(e.pods().get(0).message()).contains("Insufficient");
    }

    @Test
    void quotaFailuresFailFastFromTheDeploymentCondition() {
        UnhealthyException e = deployAndFail("myapp:over-quota", PodScript.QUOTA);

        assertThat(e.reason()).isEqualTo("FailedCreate");
        assertThat(e.getMessage()).containsIgnoringCase("quota");
    }

    @Test
    void progressDeadlineExceededFailsFast() {
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: myapp}
                spec:
                  progressDeadlineSeconds: 10
                  selector: {matchLabels: {app: myapp}}
                  template:
                    metadata:
                      labels: {app: myapp}
                      annotations: {kubesim.bluegreen.jenkins.io/script: progress-deadline}
                    spec:
                      containers: [{name: web, image: "myapp:stuck"}]
                """;
        blueGreen.deploy(
                DeployRequest.builder("myapp").manifest(manifest).holder(HOLDER).build());

        assertThatThrownBy(() -> blueGreen.awaitHealthy("myapp", null, LONG))
                .isInstanceOfSatisfying(
                        UnhealthyException.class, e -> assertThat(e.reason()).isEqualTo("ProgressDeadlineExceeded"));
    }

    @Test
    void podsThatNeverBecomeReadyTimeOutNamingThem() {
        SIM.sim().scripts().image("myapp:never", PodScript.NEVER_READY);
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:never")
                .holder(HOLDER)
                .build());

        assertThatThrownBy(() -> blueGreen.awaitHealthy("myapp", null, Duration.ofMillis(1500)))
                .isInstanceOfSatisfying(HealthTimeoutException.class, e -> {
                    assertThat(e.lastProgress().ready()).isZero();
                    assertThat(e.notReady()).hasSize(3).allSatisfy(p -> assertThat(p.pod())
                            .startsWith("myapp-green-"));
                    assertThat(e.getMessage()).contains("0/3 ready").contains("myapp-green-");
                });
    }

    @Test
    void aDroppedWatchOnlyDelaysTheVerdict() {
        SIM.sim().scripts().image("myapp:slow", PodScript.slow(Duration.ofMillis(1500)));
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:slow")
                .holder(HOLDER)
                .build());

        CompletableFuture<HealthSummary> health = blueGreen.awaitHealthyAsync("myapp", null, LONG);
        Eventually.until(Duration.ofSeconds(5), () -> SIM.sim().openWatches() >= 2);
        assertThat(SIM.sim().faults().dropWatches()).isPositive();
        SIM.sim().faults().refuseWatches(2);

        assertThat(health.orTimeout(20, TimeUnit.SECONDS).join().replicas()).isEqualTo(3);
    }

    @Test
    void cancellingTheWaitStopsItsWatches() {
        SIM.sim().scripts().image("myapp:never2", PodScript.NEVER_READY);
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:never2")
                .holder(HOLDER)
                .build());
        int before = SIM.sim().openWatches();

        CompletableFuture<HealthSummary> health = blueGreen.awaitHealthyAsync("myapp", null, LONG);
        Eventually.until(Duration.ofSeconds(5), () -> SIM.sim().openWatches() >= before + 2);
        health.cancel(true);

        Eventually.until(Duration.ofSeconds(5), () -> SIM.sim().openWatches() <= before);
    }

    @Test
    void minReadySecondsIsHonouredThroughAvailableReplicas() {
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: myapp}
                spec:
                  minReadySeconds: 25
                  selector: {matchLabels: {app: myapp}}
                  template:
                    metadata: {labels: {app: myapp}}
                    spec:
                      containers: [{name: web, image: "myapp:2"}]
                """;
        blueGreen.deploy(
                DeployRequest.builder("myapp").manifest(manifest).holder(HOLDER).build());

        HealthSummary health = blueGreen.awaitHealthy("myapp", null, LONG);

        assertThat(health.replicas()).isEqualTo(3);
        // there was a moment with every pod ready but not yet available; the wait did not stop there
        assertThat(listener.progress).anySatisfy(p -> {
            assertThat(p.ready()).isEqualTo(3);
            assertThat(p.available()).isLessThan(3);
        });
        assertThat(listener.progress.get(listener.progress.size() - 1).available())
                .isEqualTo(3);
    }

    @Test
    void progressIsReportedAsReadyOverDesired() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", Color.GREEN, LONG);

        assertThat(listener.progress)
                .extracting(HealthProgress::toString)
                .contains("myapp-green: 3/3 ready (3 updated, 3 available)");
        assertThat(listener.progress).extracting(HealthProgress::ready).isSorted();
    }
}
