package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Releases that run at the same time: of one app (the lock decides, and whoever waited for it decides again on what
 * the cluster looks like after the first release), and of different apps (they overlap). DeployLockTest covers the
 * Lease itself; these tests cover what the operations do around it. No assertion depends on timing: order is forced
 * with latches and listener hooks, overlap is proven by both releases holding their locks at one barrier.
 */
class ConcurrentReleasesTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private static final String PIPELINE_A = "https://ci.example/job/shop/41/";
    private static final String PIPELINE_B = "https://ci.example/job/shop/42/";
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ExecutorService threads = Executors.newCachedThreadPool();

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private BlueGreen engine(RecordingListener listener, BlueGreenSettings settings) {
        return BlueGreen.builder(SIM.client())
                .namespace(namespace)
                .listener(listener)
                .settings(settings)
                .build();
    }

    private BlueGreen engine(RecordingListener listener) {
        return engine(listener, BlueGreenSettings.defaults());
    }

    private static DeployRequest.Builder release(String image, String holder) {
        return DeployRequest.builder("myapp").image(image).holder(holder);
    }

    private String image(String deployment) {
        return apps.deployment(deployment)
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
    }

    private Lease lease(String app) {
        return SIM.client()
                .leases()
                .inNamespace(namespace)
                .withName(app + "-bluegreen")
                .get();
    }

    private static void awaitMessage(RecordingListener listener, String text) {
        Eventually.until(WAIT, () -> listener.infos.stream().anyMatch(m -> m.contains(text)));
    }

    @Test
    void twoReleasesStartedTogetherOneDeploysTheOtherFailsNamingTheHolder() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<Object>> outcomes = new ArrayList<>();
        for (String[] r : new String[][] {{"myapp:2", PIPELINE_A}, {"myapp:3", PIPELINE_B}}) {
            BlueGreen engine = engine(new RecordingListener());
            outcomes.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            start.await(10, TimeUnit.SECONDS);
                            return engine.deploy(release(r[0], r[1]).build());
                        } catch (LockHeldException e) {
                            return e;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    threads));
        }
        List<Object> results = new ArrayList<>();
        for (CompletableFuture<Object> outcome : outcomes) {
            results.add(outcome.get(30, TimeUnit.SECONDS));
        }

        List<Release> deployed = results.stream()
                .filter(Release.class::isInstance)
                .map(Release.class::cast)
                .toList();
        List<LockHeldException> refused = results.stream()
                .filter(LockHeldException.class::isInstance)
                .map(LockHeldException.class::cast)
                .toList();
        assertThat(deployed).hasSize(1);
        assertThat(refused).hasSize(1);
        String winner = lease("myapp").getSpec().getHolderIdentity();
        assertThat(refused.get(0).holder()).isEqualTo(winner);
        assertThat(refused.get(0).getMessage()).contains("locked by " + winner);
        assertThat(image("myapp-green")).isEqualTo(deployed.get(0).images().get(0));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    /*
     * Failed before operations re-read the app under the lock: the waiting release had read the app before it waited,
     * took green for the idle colour, and after the first release switched to green it rewrote green — the live colour
     * — with its own image.
     */
    @Test
    void aReleaseThatWaitedForTheLockDeploysIntoTheColourIdleAfterTheFirstOnesSwitch() throws Exception {
        BlueGreen first = engine(new RecordingListener());
        first.deploy(release("myapp:2", PIPELINE_A).build());
        first.awaitHealthy("myapp", null, WAIT);
        RecordingListener secondListener = new RecordingListener();
        CompletableFuture<Release> second = engine(secondListener)
                .deployAsync(release("myapp:3", PIPELINE_B).lockWait(WAIT).build());
        awaitMessage(secondListener, "waiting for the deploy lock of myapp, held by " + PIPELINE_A);

        first.switchTraffic(SwitchRequest.builder("myapp")
                .holder(PIPELINE_A)
                .scaleDownDelay(Duration.ZERO)
                .build());
        Release waited = second.get(30, TimeUnit.SECONDS);

        assertThat(waited.liveColor()).isEqualTo(Color.GREEN);
        assertThat(waited.newColor()).isEqualTo(Color.BLUE);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(image("myapp-green")).as("the live colour is never written").isEqualTo("myapp:2");
        assertThat(image("myapp-blue")).isEqualTo("myapp:3");
        assertThat(lease("myapp").getSpec().getHolderIdentity()).isEqualTo(PIPELINE_B);
    }

    @Test
    void aCrashedHoldersLockExpiresAndTheNextReleaseTakesIt() throws Exception {
        // the crashed pipeline's engine renews nothing once it is gone; one second is its whole lease
        BlueGreen crashed = engine(
                new RecordingListener(),
                BlueGreenSettings.builder().leaseDuration(Duration.ofSeconds(1)).build());
        crashed.deploy(release("myapp:2", PIPELINE_A).build());
        RecordingListener nextListener = new RecordingListener();

        Release next = engine(nextListener)
                .deploy(release("myapp:3", PIPELINE_B).lockWait(WAIT).build());

        assertThat(nextListener.infos).anyMatch(m -> m.contains("held by " + PIPELINE_A));
        assertThat(next.newColor()).isEqualTo(Color.GREEN);
        assertThat(image("myapp-green")).isEqualTo("myapp:3");
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(lease("myapp").getSpec().getHolderIdentity()).isEqualTo(PIPELINE_B);
        assertThat(lease("myapp").getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    /*
     * Failed before operations re-read the app under the lock: the rollback decided "abandon the idle colour" on what
     * it read before taking the lock over; the pipeline switched to that colour in between, and the rollback scaled the
     * live colour to zero.
     */
    @Test
    void aRollbackThatTakesTheLockOverDecidesOnTheAppAsItIsOnceItHoldsIt() {
        BlueGreen pipeline = engine(new RecordingListener());
        pipeline.deploy(release("myapp:2", PIPELINE_A).build());
        pipeline.awaitHealthy("myapp", null, WAIT);
        RecordingListener ops = new RecordingListener();
        // the pipeline's approval arrives just as the rollback is taking the lock from it
        ops.onWarn(message -> {
            if (message.contains("taking over the deploy lock")) {
                pipeline.switchTraffic(SwitchRequest.builder("myapp")
                        .holder(PIPELINE_A)
                        .scaleDownDelay(Duration.ZERO)
                        .build());
            }
        });

        RollbackResult result = engine(ops)
                .rollback(RollbackRequest.builder("myapp")
                        .holder("cli:ops@laptop")
                        .takeOverLock(true)
                        .build());

        assertThat(result.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas())
                .as("never scaled while live")
                .isEqualTo(2);
        assertThat(ops.warnings).anyMatch(w -> w.contains(PIPELINE_A));
    }

    @Test
    void releasesOfDifferentAppsOverlap() throws Exception {
        apps.seedLive("shop", Color.BLUE, 2, "shop:1");
        // both releases must be inside their deploy-to-switch window at once for the barrier to open
        CyclicBarrier bothDeployed = new CyclicBarrier(2);
        CountDownLatch leasesChecked = new CountDownLatch(1);
        List<String> heldAtTheBarrier = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<CompletableFuture<SwitchResult>> releases = new ArrayList<>();
        for (String app : List.of("myapp", "shop")) {
            BlueGreen engine = engine(new RecordingListener());
            String holder = "https://ci.example/job/" + app + "/7/";
            releases.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            engine.deploy(DeployRequest.builder(app)
                                    .image(app + ":2")
                                    .holder(holder)
                                    .build());
                            if (bothDeployed.await(30, TimeUnit.SECONDS) == 0) {
                                heldAtTheBarrier.add(lease("myapp").getSpec().getHolderIdentity());
                                heldAtTheBarrier.add(lease("shop").getSpec().getHolderIdentity());
                                leasesChecked.countDown();
                            }
                            leasesChecked.await(30, TimeUnit.SECONDS);
                            engine.awaitHealthy(app, null, WAIT);
                            return engine.switchTraffic(
                                    SwitchRequest.builder(app).holder(holder).build());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    threads));
        }

        for (CompletableFuture<SwitchResult> release : releases) {
            assertThat(release.get(60, TimeUnit.SECONDS).outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        }
        assertThat(heldAtTheBarrier)
                .containsExactlyInAnyOrder("https://ci.example/job/myapp/7/", "https://ci.example/job/shop/7/");
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(apps.selector("shop")).containsEntry(COLOR, "green");
    }
}
