package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The switch trusts the lock stamp its deploy left on the target instead of reading the Lease (one request fewer).
 * These are the ways another holder can come to hold the Lease within the stamped tenure, and each must send the switch
 * back to the Lease — where it meets the other holder and is refused — instead of letting two holders act at once.
 */
class LockStampTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(20));

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String OTHER = "https://ci.example/job/other/7/";

    private final MutableClock clock = new MutableClock();
    private final RecordingListener listener = new RecordingListener();

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen =
            SIM.engine(namespace).listener(listener).clock(clock).build();

    @BeforeEach
    void deployGreen() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", null, WAIT);
        assertThat(LockStamp.on(apps.deployment("myapp-green")))
                .hasValueSatisfying(stamp -> assertThat(stamp.holder()).isEqualTo(HOLDER));
    }

    @Test
    void aTenureThatExpiredAndWasTakenByAnotherHolderIsNotTrusted() {
        clock.advance(BlueGreenSettings.defaults().leaseDuration().plusSeconds(1));
        blueGreen.acquireLock("myapp", OTHER, Duration.ZERO); // expired: free to take

        assertSwitchRefusedBecauseOtherHoldsTheLock();
    }

    @Test
    void aStampCloseToTheEndOfItsTenureIsNotTrusted() {
        // within the margin the Lease decides; here it is still ours, so the switch goes ahead after reading it
        clock.advance(BlueGreenSettings.defaults().leaseDuration().minus(DeployLock.SHORT_OPERATION_MARGIN));
        long leaseReads = leaseReads();

        blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build());

        assertThat(leaseReads()).isGreaterThan(leaseReads);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
    }

    @Test
    void anExplicitReleaseDropsTheStampSoALaterHolderIsRespected() {
        assertThat(blueGreen.releaseLock("myapp", HOLDER)).isTrue();
        assertThat(LockStamp.on(apps.deployment("myapp-green"))).isEmpty();
        blueGreen.acquireLock("myapp", OTHER, Duration.ZERO);

        assertSwitchRefusedBecauseOtherHoldsTheLock();
    }

    @Test
    void aTakeOverDropsThePreviousHoldersStamp() {
        blueGreen.takeOverLock("myapp", OTHER);
        assertThat(LockStamp.on(apps.deployment("myapp-green"))).isEmpty();

        assertSwitchRefusedBecauseOtherHoldsTheLock();
    }

    @Test
    void aTrafficChangeSinceTheDeployVoidsTheStamp() {
        // the release went live and was rolled back: green is idle again and still carries the deploy's stamp, the
        // lock was released by the rollback, and another pipeline holds it now
        blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build());
        blueGreen.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build());
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(LockStamp.on(apps.deployment("myapp-green"))).isPresent();
        blueGreen.acquireLock("myapp", OTHER, Duration.ZERO);

        Throwable thrown = catchThrowable(() -> blueGreen.switchTraffic(
                SwitchRequest.builder("myapp").to(Color.GREEN).holder(HOLDER).build()));

        assertThat(thrown).isInstanceOf(LockHeldException.class);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    @Test
    void aSwitchThatFindsItsTargetSwitchedByHandDropsTheStampBeforeReleasing() throws Exception {
        // our Service write is held back while someone points the Service at green with kubectl (no history entry):
        // the switch ends ALREADY_LIVE, and since nothing of ours moved the history head, the stamp must go before
        // the lock does — else, once green is idle again, it would vouch for a lock now free for anyone
        String servicePath = "/api/v1/namespaces/" + namespace + "/services/myapp";
        // held by a gate, not a delay: the hand edit must land first however loaded the machine is
        io.jenkins.plugins.bluegreen.kubesim.RequestGate ourWrite =
                new io.jenkins.plugins.bluegreen.kubesim.RequestGate();
        SIM.sim()
                .faults()
                .add(io.jenkins.plugins.bluegreen.kubesim.FaultRule.on("update", servicePath)
                        .holdUntil(ourWrite)
                        .once());
        java.util.concurrent.CompletableFuture<SwitchResult> switching =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> blueGreen.switchTraffic(
                        SwitchRequest.builder("myapp").holder(HOLDER).build()));
        assertThat(ourWrite.awaitArrival(WAIT)).isTrue();
        SIM.client().services().inNamespace(namespace).withName("myapp").edit(s -> {
            s.getSpec().getSelector().put(COLOR, "green");
            return s;
        });
        ourWrite.open();

        SwitchResult result = switching.get(20, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.ALREADY_LIVE);
        assertThat(LockStamp.on(apps.deployment("myapp-green"))).isEmpty();
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }

    @Test
    void abandonByTheDeployerTrustsTheStampAndRemovesItWithTheScaleDown() {
        long leaseReads = leaseReads();

        blueGreen.abandon("myapp", HOLDER);

        assertThat(leaseReads()).isEqualTo(leaseReads);
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isZero();
        assertThat(LockStamp.on(apps.deployment("myapp-green"))).isEmpty();
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }

    @Test
    void theReleaseAfterASwitchNeverReleasesALockSomeoneElseHolds() {
        // the switch is done on the stamp; if by the time it releases someone else holds the Lease (here: set by hand,
        // as a take-over racing the switch would), the release's test on the holder refuses it
        EngineContext context = new EngineContext(
                SIM.client(),
                namespace,
                BlueGreenSettings.defaults(),
                listener,
                Runnable::run,
                clock,
                null,
                new ApiRetry(SIM.client()));
        HeldLock provenByStamp = new HeldLock(
                context, new LockLease(context), App.of("myapp", BlueGreenSettings.defaults()), HOLDER, null, false);
        blueGreen.takeOverLock("myapp", OTHER);

        provenByStamp.releaseAfterChange(true);

        Lease lease = SIM.client()
                .leases()
                .inNamespace(namespace)
                .withName("myapp-bluegreen")
                .get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(OTHER);
    }

    @Test
    void aStampThatDoesNotParseProvesNothing() {
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName("myapp-green")
                .edit(d -> {
                    d.getMetadata()
                            .getAnnotations()
                            .put(StateKeys.LOCK, "renewed=yesterday;seconds=1800;after=none;holder=" + HOLDER);
                    return d;
                });
        long leaseReads = leaseReads();

        blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build());

        assertThat(leaseReads()).isGreaterThan(leaseReads);
    }

    private void assertSwitchRefusedBecauseOtherHoldsTheLock() {
        Throwable thrown = catchThrowable(() -> blueGreen.switchTraffic(
                SwitchRequest.builder("myapp").holder(HOLDER).build()));

        assertThat(thrown).isInstanceOfSatisfying(LockHeldException.class, e -> assertThat(e.getMessage())
                .contains(OTHER));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    private long leaseReads() {
        return SIM.sim()
                .requests()
                .count("get", "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases/myapp-bluegreen");
    }
}
