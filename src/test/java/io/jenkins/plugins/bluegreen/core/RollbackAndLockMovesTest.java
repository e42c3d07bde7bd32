package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What operators do that the fault tests do not: roll back twice, queue a deploy behind a switch, deploy twice under
 * one holder, leave a dead holder's lock behind. Each case is the engine's side of a test the CLI repeats end to end
 * (cli OperatorMovesCliTest).
 */
class RollbackAndLockMovesTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(20));

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String OTHER = "https://ci.example/job/other/7/";

    private final RecordingListener listener = new RecordingListener();
    private final MutableClock clock = new MutableClock();
    private BlueGreen blueGreen;

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();

    @BeforeEach
    void blueLive() {
        blueGreen = engine(clock);
    }

    private BlueGreen engine(Clock withClock) {
        return BlueGreen.builder(SIM.client())
                .namespace(namespace)
                .listener(listener)
                .clock(withClock)
                .build();
    }

    private void releaseGreen(BlueGreen engine, String image, Duration scaleDownDelay) {
        engine.deploy(DeployRequest.builder("myapp").image(image).holder(HOLDER).build());
        engine.awaitHealthy("myapp", Color.GREEN, WAIT);
        engine.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .approvedBy("alice")
                .scaleDownDelay(scaleDownDelay)
                .build());
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
    }

    private RollbackRequest rollback(String holder) {
        return RollbackRequest.builder("myapp").holder(holder).timeout(WAIT).build();
    }

    @Test
    void aSecondRollbackRefusesWritesNothingAndSaysHowToReReleaseByName() {
        releaseGreen(blueGreen, "myapp:2", Duration.ofSeconds(30));
        blueGreen.rollback(rollback(HOLDER));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        String before = apps.quietDump();

        // a retry, or a second person on call: once by the fast path's reasoning, once with a take-over (locked path)
        for (RollbackRequest again : new RollbackRequest[] {
            rollback(OTHER),
            RollbackRequest.builder("myapp")
                    .holder(OTHER)
                    .takeOverLock(true)
                    .timeout(WAIT)
                    .build()
        }) {
            assertThatThrownBy(() -> blueGreen.rollback(again))
                    .isInstanceOf(RolledBackReleaseException.class)
                    .hasMessageContaining("already a rollback")
                    .hasMessageContaining("blue (1) serves")
                    .hasMessageContaining("green holds release 2")
                    .hasMessageContaining("switch --to green")
                    .hasMessageContaining("Nothing was written");
        }
        // a switch to "the idle colour" is no way round it either
        assertThatThrownBy(() -> blueGreen.switchTraffic(
                        SwitchRequest.builder("myapp").holder(OTHER).build()))
                .isInstanceOf(RolledBackReleaseException.class)
                .hasMessageContaining("--to green");
        assertThat(SimApps.changedObjects(before, apps.dump()))
                .as("nothing written")
                .isEmpty();

        // by name, a person re-releases it deliberately; after that, rollback works again (exactly once)
        SwitchResult byName = blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .to(Color.GREEN)
                .holder(OTHER)
                .approvedBy("bob")
                .build());
        assertThat(byName.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(blueGreen.rollback(rollback(OTHER)).liveColor()).isEqualTo(Color.BLUE);
        assertThatThrownBy(() -> blueGreen.rollback(rollback(OTHER))).isInstanceOf(RolledBackReleaseException.class);
    }

    @Test
    void aRetriedSwitchWithoutANameRefusesToPutTheReplacedReleaseBackAndWritesNothing() {
        releaseGreen(blueGreen, "myapp:2", Duration.ZERO);
        String before = apps.quietDump();

        assertThatThrownBy(() -> blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                        .holder(OTHER)
                        .approvedBy("alice")
                        .build()))
                .isInstanceOf(RefusedException.class)
                .hasMessageContaining("not switching to blue without its name")
                .hasMessageContaining("blue still holds the release that switch replaced")
                .hasMessageContaining("switch --to blue");
        assertThat(SimApps.changedObjects(before, apps.dump())).isEmpty();

        // naming it is the deliberate way back
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .to(Color.BLUE)
                .holder(OTHER)
                .approvedBy("bob")
                .build());
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    @Test
    void aNewReleaseAfterARollbackIsAbandonedByRollbackNotRefused() {
        releaseGreen(blueGreen, "myapp:2", Duration.ofSeconds(30));
        blueGreen.rollback(rollback(HOLDER));
        clock.advance(Duration.ofSeconds(1));
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:3").holder(HOLDER).build());
        RollbackResult undone = blueGreen.rollback(rollback(HOLDER));
        assertThat(undone.action()).isEqualTo(RollbackResult.Action.ABANDONED);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    @Test
    void aDeployRefusesToOverwriteTheRollbackTargetWhileItsWindowIsOpenAndWritesNothing() {
        releaseGreen(blueGreen, "myapp:2", Duration.ofSeconds(30));
        String before = apps.quietDump();
        String windowEnd = Labels.annotation(apps.deployment("myapp-blue"), StateKeys.SCALE_DOWN_AT);

        assertThatThrownBy(() -> blueGreen.deploy(DeployRequest.builder("myapp")
                        .image("myapp:3")
                        .holder(OTHER)
                        .build()))
                .isInstanceOf(RollbackWindowOpenException.class)
                .hasMessageContaining("myapp-blue is kept for a rollback")
                .hasMessageContaining("until " + windowEnd)
                .hasMessageContaining("--replace-rollback-target")
                .hasMessageContaining("Nothing was written");
        assertThat(SimApps.changedObjects(before, apps.dump()))
                .as("not even the lock")
                .isEmpty();

        // the rollback still has its target
        assertThat(blueGreen.rollback(rollback(OTHER)).liveColor()).isEqualTo(Color.BLUE);
        assertThat(apps.deployment("myapp-blue")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:1");
    }

    @Test
    void replacingTheRollbackTargetEarlyIsExplicitAndWarns() {
        releaseGreen(blueGreen, "myapp:2", Duration.ofSeconds(30));
        Release replaced = blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(OTHER)
                .replaceRollbackTarget(true)
                .build());
        assertThat(replaced.newColor()).isEqualTo(Color.BLUE);
        assertThat(listener.warnings)
                .anyMatch(w -> w.contains("replacing myapp-blue although it is kept for a rollback"));
    }

    @Test
    void theWindowEndsAtTheScheduledScaleDownAndIsNoRollbackTargetAfterARollback() {
        releaseGreen(blueGreen, "myapp:2", Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(31)); // overdue: the window is closed, the deploy goes ahead
        assertThat(blueGreen
                        .deploy(DeployRequest.builder("myapp")
                                .image("myapp:3")
                                .holder(HOLDER)
                                .build())
                        .newColor())
                .isEqualTo(Color.BLUE);
    }

    @Test
    void aDeployQueuedBehindASwitchWaitsForTheWindowWithinItsLockWaitThenDeploys() throws Exception {
        BlueGreen real = engine(Clock.systemUTC());
        releaseGreen(real, "myapp:2", Duration.ofSeconds(2));
        Release queued = real.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(OTHER)
                .lockWait(Duration.ofSeconds(60))
                .build());
        assertThat(queued.newColor()).isEqualTo(Color.BLUE);
        assertThat(listener.infos).anyMatch(i -> i.contains("is kept for a rollback until then"));
    }

    @Test
    void aDeployWaitingForTheLockRefusesWhenTheHolderSwitchesAndLeavesTheLockFreeForItsRollback() throws Exception {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", Color.GREEN, WAIT);
        CompletableFuture<Object> queued = CompletableFuture.supplyAsync(() -> {
            try {
                return blueGreen.deploy(DeployRequest.builder("myapp")
                        .image("myapp:3")
                        .holder(OTHER)
                        .lockWait(Duration.ofSeconds(20))
                        .build());
            } catch (RuntimeException e) {
                return e;
            }
        });
        Eventually.until(Duration.ofSeconds(20), () -> listener.infos.stream()
                .anyMatch(i -> i.contains("waiting for the deploy lock")));
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ofMinutes(10))
                .build());
        Object outcome = queued.get(30, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(RollbackWindowOpenException.class);
        assertThat(apps.deployment("myapp-blue")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:1");
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder))
                .as("released while the window is open")
                .isEmpty();
        assertThat(blueGreen
                        .rollback(RollbackRequest.builder("myapp")
                                .holder(HOLDER)
                                .takeOverLock(true)
                                .timeout(WAIT)
                                .build())
                        .liveColor())
                .isEqualTo(Color.BLUE);
    }

    @Test
    void aHealthVerdictIsBoundToTheReleaseItsDeployWrote() {
        Release first = blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        // a second deploy under the same (shared) holder replaces green before the first one's wait
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:9").holder(HOLDER).build());
        assertThatThrownBy(() -> blueGreen.awaitHealthy(first, WAIT))
                .isInstanceOf(ConflictException.class)
                .hasMessageContaining("myapp-green was redeployed by someone else")
                .hasMessageContaining("myapp:9");
        // the unbound wait judges whatever runs there: that is the other deploy's health, not the first one's
        assertThat(blueGreen.awaitHealthy("myapp", Color.GREEN, WAIT).images()).containsExactly("myapp:9");
    }

    @Test
    void aHandEditDuringTheWaitFailsTheBoundWait() {
        Release release = blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        // as kubectl edit would: a guarded write, repeated when the simulated controllers got there first
        for (int attempt = 0; ; attempt++) {
            try {
                SIM.client()
                        .apps()
                        .deployments()
                        .inNamespace(namespace)
                        .withName("myapp-green")
                        .edit(d -> new DeploymentBuilder(d)
                                .editSpec()
                                .editTemplate()
                                .editMetadata()
                                .addToAnnotations(StateKeys.RELEASE, "edited-by-hand")
                                .endMetadata()
                                .endTemplate()
                                .endSpec()
                                .build());
                break;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException conflict) {
                if (conflict.getCode() != 409 || attempt > 20) {
                    throw conflict;
                }
            }
        }
        assertThatThrownBy(() -> blueGreen.awaitHealthy(release, WAIT)).isInstanceOf(ConflictException.class);
    }

    @Test
    void unlockClearsOnlyTheNamedHolderWithoutTouchingTrafficAndRecordsIt() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        String services = SIM.client()
                .services()
                .inNamespace(namespace)
                .withName("myapp")
                .get()
                .getMetadata()
                .getResourceVersion();

        assertThatThrownBy(() -> blueGreen.unlock("myapp", OTHER, "cli:ops@laptop"))
                .isInstanceOf(LockHeldException.class)
                .hasMessageContaining("held by " + HOLDER + " now, not by " + OTHER);
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder)).contains(HOLDER);

        assertThat(blueGreen.unlock("myapp", HOLDER, "cli:ops@laptop").map(LockInfo::holder))
                .contains(HOLDER);
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder)).isEmpty();
        Lease lease = SIM.client()
                .leases()
                .inNamespace(namespace)
                .withName("myapp-bluegreen")
                .get();
        assertThat(lease.getMetadata().getAnnotations().get("bluegreen.jenkins.io/last-unlock"))
                .startsWith(HOLDER + " cleared by cli:ops@laptop at ");
        assertThat(SIM.client()
                        .services()
                        .inNamespace(namespace)
                        .withName("myapp")
                        .get()
                        .getMetadata()
                        .getResourceVersion())
                .as("traffic untouched")
                .isEqualTo(services);
        assertThat(LockStamp.on(apps.deployment("myapp-green")))
                .as("its stamp voided")
                .isEmpty();
        assertThat(blueGreen.unlock("myapp", HOLDER, "cli:ops@laptop"))
                .as("free: nothing to clear")
                .isEmpty();

        // the next release goes ahead, and may throw the dead holder's release away first
        blueGreen.abandon("myapp", OTHER);
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isZero();
    }

    @Test
    void handingTheLockOverNeedsTheNamedHolder() {
        blueGreen.acquireLock("myapp", HOLDER, Duration.ZERO);
        assertThat(blueGreen.handOverLock("myapp", OTHER, "cli:me@host")).isFalse();
        assertThat(blueGreen.handOverLock("myapp", HOLDER, "cli:me@host")).isTrue();
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder)).contains("cli:me@host");
        // a deploy that takes back from that holder continues the lock as its own
        Release r = blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:2")
                .holder("cli:me@host:1")
                .takesBackFrom("cli:me@host")
                .build());
        assertThat(r.newColor()).isEqualTo(Color.GREEN);
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder)).contains("cli:me@host:1");
    }

    @Test
    void abandonThrowsAwayOnlyANewReleaseNeverTheRollbackTarget() {
        releaseGreen(blueGreen, "myapp:2", Duration.ofSeconds(30));
        String before = apps.quietDump();
        assertThatThrownBy(() -> blueGreen.abandon("myapp", HOLDER))
                .isInstanceOf(BlueGreenException.class)
                .hasMessageContaining("nothing to abandon");
        assertThat(SimApps.changedObjects(before, apps.dump())).isEmpty();
    }
}
