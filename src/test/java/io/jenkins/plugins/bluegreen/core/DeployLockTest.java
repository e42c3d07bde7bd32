package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-app Lease: one holder at a time, re-entrant, waits, expiry, explicit take-over. */
class DeployLockTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private static final String OTHER = "cli:bob@laptop";

    private final RecordingListener listener = new RecordingListener();
    private final MutableClock clock = new MutableClock();
    private BlueGreen blueGreen;

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();

    @BeforeEach
    void seed() {
        blueGreen = engine(BlueGreenSettings.defaults());
    }

    private BlueGreen engine(BlueGreenSettings settings) {
        return BlueGreen.builder(SIM.client())
                .namespace(namespace)
                .listener(listener)
                .settings(settings)
                .clock(clock)
                .build();
    }

    private Lease lease() {
        return SIM.client()
                .leases()
                .inNamespace(namespace)
                .withName("myapp-bluegreen")
                .get();
    }

    @Test
    void theLeaseNamesItsHolderForKubectl() {
        LockInfo info = blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);

        assertThat(info.leaseName()).isEqualTo("myapp-bluegreen");
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(HOLDER);
        assertThat(lease().getSpec().getLeaseDurationSeconds()).isEqualTo(1800);
        assertThat(lease().getSpec().getAcquireTime()).isNotNull();
        assertThat(lease().getSpec().getRenewTime()).isNotNull();
    }

    @Test
    void aSecondHolderFailsNamingTheHolder() {
        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);

        assertThatThrownBy(() -> blueGreen.acquireLock("myapp", OTHER, Duration.ZERO))
                .isInstanceOfSatisfying(LockHeldException.class, e -> {
                    assertThat(e.holder()).isEqualTo(HOLDER);
                    assertThat(e.getMessage()).contains(HOLDER).contains("myapp-bluegreen");
                });
    }

    @Test
    void theSameHolderReEntersAndRenews() {
        LockInfo first = blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);
        clock.advance(Duration.ofMinutes(5));

        LockInfo again = blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);

        assertThat(again.acquiredAt()).isEqualTo(first.acquiredAt());
        assertThat(again.renewedAt()).isAfter(first.renewedAt());
        assertThat(lease().getSpec().getLeaseTransitions()).isZero();
    }

    @Test
    void aWaitingHolderGetsTheLockWhenItIsReleased() throws Exception {
        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);
        CompletableFuture<LockInfo> waiting =
                CompletableFuture.supplyAsync(() -> blueGreen.acquireLock("myapp", OTHER, Duration.ofSeconds(30)));
        Eventually.until(Duration.ofSeconds(5), () -> listener.infos.stream().anyMatch(m -> m.contains("waiting")));
        long released = System.nanoTime();

        assertThat(blueGreen.releaseLock("myapp", HOLDER)).isTrue();

        assertThat(waiting.get(10, TimeUnit.SECONDS).holder()).isEqualTo(OTHER);
        // woken by the watch, not by the 30 s wait running out
        assertThat(Duration.ofNanos(System.nanoTime() - released)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aHeldLockIsAwaitedWithAWatchThatEndsWhenTheLeaseChangesOrTheWaitIsCancelled() throws Exception {
        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);
        LockInfo seen = lockHeldBy(HOLDER);
        int watchesBefore = SIM.sim().openWatches();

        CompletableFuture<Void> change =
                blueGreen.awaitLockChangeAsync("myapp", seen, clock.instant().plus(Duration.ofMinutes(10)));
        Eventually.until(Duration.ofSeconds(10), () -> SIM.sim().openWatches() > watchesBefore);
        assertThat(change).isNotDone();
        blueGreen.releaseLock("myapp", HOLDER);
        change.get(10, TimeUnit.SECONDS);
        Eventually.until(Duration.ofSeconds(10), () -> SIM.sim().openWatches() <= watchesBefore);

        // a lock that changed since it was seen, or a deadline already past, ends the wait at once
        blueGreen
                .awaitLockChangeAsync("myapp", seen, clock.instant().plus(Duration.ofMinutes(10)))
                .get(10, TimeUnit.SECONDS);
        blueGreen.acquireLock("myapp", OTHER, Duration.ZERO);
        LockInfo other = lockHeldBy(OTHER);
        blueGreen.awaitLockChangeAsync("myapp", other, clock.instant()).get(10, TimeUnit.SECONDS);

        // cancelled: the watch closes, nothing completes it later
        CompletableFuture<Void> cancelled =
                blueGreen.awaitLockChangeAsync("myapp", other, clock.instant().plus(Duration.ofMinutes(10)));
        Eventually.until(Duration.ofSeconds(10), () -> SIM.sim().openWatches() > watchesBefore);
        cancelled.cancel(true);
        Eventually.until(Duration.ofSeconds(10), () -> SIM.sim().openWatches() <= watchesBefore);
        assertThat(cancelled).isCancelled();
    }

    private LockInfo lockHeldBy(String holder) {
        try {
            blueGreen.acquireLock("myapp", "cli:probe", Duration.ZERO);
            throw new AssertionError("the lock was free");
        } catch (LockHeldException e) {
            assertThat(e.holder()).isEqualTo(holder);
            return e.lock();
        }
    }

    @Test
    void anExpiredLeaseCanBeTaken() {
        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);
        clock.advance(Duration.ofMinutes(31));

        LockInfo taken = blueGreen.acquireLock("myapp", OTHER, Duration.ZERO);

        assertThat(taken.holder()).isEqualTo(OTHER);
        assertThat(lease().getSpec().getLeaseTransitions()).isEqualTo(1);
    }

    @Test
    void aWaiterWakesUpWhenTheLeaseExpires() {
        BlueGreen shortLeases = engine(
                BlueGreenSettings.builder().leaseDuration(Duration.ofSeconds(1)).build());
        shortLeases.acquireLock("myapp", HOLDER, Duration.ZERO);

        LockInfo taken = shortLeases.acquireLock("myapp", OTHER, Duration.ofSeconds(20));

        assertThat(taken.holder()).isEqualTo(OTHER);
    }

    @Test
    void takeOverWarnsNamingThePreviousHolder() {
        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);

        LockInfo taken = blueGreen.takeOverLock("myapp", OTHER);

        assertThat(taken.holder()).isEqualTo(OTHER);
        assertThat(listener.warnings).anyMatch(w -> w.contains("taking over") && w.contains(HOLDER));
    }

    @Test
    void onlyTheHolderReleases() {
        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);

        assertThat(blueGreen.releaseLock("myapp", OTHER)).isFalse();
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo(HOLDER));
    }

    @Test
    void ofManySimultaneousAcquirersExactlyOneWins() throws Exception {
        int contenders = 8;
        CountDownLatch start = new CountDownLatch(1);
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(contenders);
        List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < contenders; i++) {
            String holder = "pipeline-" + i;
            attempts.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            start.await();
                            blueGreen.acquireLock("myapp", holder, Duration.ZERO);
                            return true;
                        } catch (LockHeldException e) {
                            return false;
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    threads));
        }
        start.countDown();

        long winners = 0;
        for (CompletableFuture<Boolean> attempt : attempts) {
            winners += attempt.get(20, TimeUnit.SECONDS) ? 1 : 0;
        }
        threads.shutdown();
        assertThat(winners).isEqualTo(1);
    }

    @Test
    void deployByAnotherHolderIsRefusedAndChangesNothing() {
        blueGreen.acquireLock("myapp", OTHER, Duration.ZERO);
        String before = apps.quietDump();

        assertThatThrownBy(() -> blueGreen.deploy(DeployRequest.builder("myapp")
                        .image("myapp:2")
                        .holder(HOLDER)
                        .build()))
                .isInstanceOfSatisfying(
                        LockHeldException.class, e -> assertThat(e.holder()).isEqualTo(OTHER));
        assertThat(apps.dump()).isEqualTo(before);
    }

    @Test
    void switchByAnotherHolderIsRefused() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));

        assertThatThrownBy(() -> blueGreen.switchTraffic(
                        SwitchRequest.builder("myapp").holder(OTHER).build()))
                .isInstanceOf(LockHeldException.class);
        assertThat(apps.selector("myapp")).containsEntry(SimApps.COLOR, "blue");
    }

    @Test
    void rollbackMayTakeTheLockOverExplicitly() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());

        RollbackResult result = blueGreen.rollback(RollbackRequest.builder("myapp")
                .holder(OTHER)
                .takeOverLock(true)
                .build());

        assertThat(result.action()).isEqualTo(RollbackResult.Action.ABANDONED);
        assertThat(listener.warnings).anyMatch(w -> w.contains(HOLDER));
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }
}
