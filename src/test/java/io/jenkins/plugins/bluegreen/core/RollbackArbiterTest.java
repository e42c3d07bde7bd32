package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.RequestGate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rollback that takes no lock (FastRollback) against everything that can meet it: the live Service's
 * resourceVersion is the arbiter between it and a deploy (DeployAnnouncement), between two rollbacks, and the claim of
 * the previous colour decides the race with a due scale-down. Each interleaving is forced by holding one request in
 * kube-sim until the other operation is done ({@link RequestGate}), not by timing.
 */
class RollbackArbiterTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(20));

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String OTHER = "https://ci.example/job/other/7/";

    private final RecordingListener listener = new RecordingListener();
    private final MutableClock clock = new MutableClock();

    /** Green serves, blue (myapp:1) still runs with its scale-down scheduled in 30 s: a rollback goes to blue at once. */
    private final SimApps apps = SIM.liveOnBlue(2);

    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen =
            SIM.engine(namespace).listener(listener).clock(clock).build();

    @BeforeEach
    void greenLiveBlueStillRunning() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", Color.GREEN, WAIT);
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ofSeconds(30))
                .build());
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
    }

    @AfterEach
    void openEverything() {
        SIM.sim().faults().clear();
    }

    private String servicePath() {
        return "/api/v1/namespaces/" + namespace + "/services/myapp";
    }

    private String deploymentPath(String name) {
        return "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name;
    }

    /** Holds the next request with this verb and path until the gate opens. */
    private RequestGate hold(String verb, String path) {
        RequestGate gate = new RequestGate();
        SIM.sim().faults().add(FaultRule.on(verb, path).holdUntil(gate).once());
        return gate;
    }

    private static CompletableFuture<Object> async(Supplier<Object> operation) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return operation.get();
            } catch (RuntimeException e) {
                return e;
            }
        });
    }

    private RollbackRequest.Builder rollback() {
        return RollbackRequest.builder("myapp").holder(HOLDER);
    }

    @Test
    void aDeployThatAnnouncesItselfBetweenTheRollbacksReadAndWriteMakesItsWriteConflictAndTrafficStays()
            throws Exception {
        RequestGate rollbackWrite = hold("update", servicePath());
        CompletableFuture<Object> rollingBack =
                async(() -> blueGreen.rollback(rollback().build()));
        assertThat(rollbackWrite.awaitArrival(WAIT)).isTrue();

        // the rollback read the Service and claimed blue; its Service write is on its way. A deploy by another
        // pipeline decides that blue is idle, announces itself and writes blue.
        Release release = blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(OTHER)
                .replaceRollbackTarget(true)
                .build());
        assertThat(release.newColor()).isEqualTo(Color.BLUE);
        rollbackWrite.open();
        Object outcome = rollingBack.get(20, TimeUnit.SECONDS);

        // the write was refused (409), the re-read found the announcement, and the locked path met the deploy's lock
        assertThat(outcome).isInstanceOf(LockHeldException.class);
        assertThat(listener.infos).anyMatch(m -> m.contains("a deploy announced itself") && m.contains("myapp"));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(apps.deployment("myapp-blue")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:3");
        assertThat(ServingInvariants.endStateViolations(SIM.client(), namespace, "myapp", "myapp"))
                .isEmpty();
    }

    @Test
    void aDeployWhoseAnnouncementLosesToARollbackDecidesItsIdleColourAgain() throws Exception {
        RequestGate announcement = hold("update", servicePath());
        CompletableFuture<Object> deploying = async(() -> blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(OTHER)
                .replaceRollbackTarget(true)
                .build()));
        assertThat(announcement.awaitArrival(WAIT)).isTrue();

        // the deploy chose blue (idle when it read); before its announcement lands, traffic goes back to blue
        RollbackResult rolledBack = blueGreen.rollback(rollback().build());
        assertThat(rolledBack.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        announcement.open();
        Object outcome = deploying.get(20, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOfSatisfying(Release.class, r -> assertThat(r.newColor())
                .isEqualTo(Color.GREEN));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(apps.deployment("myapp-blue")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:1");
        assertThat(apps.service("myapp").getMetadata().getAnnotations().get(StateKeys.DEPLOYING))
                .startsWith("color=green;")
                .endsWith("holder=" + OTHER);
    }

    @Test
    void aSecondRollbackRacingTheFirstDoesNotFlipTrafficAgain() throws Exception {
        RequestGate firstWrite = hold("update", servicePath());
        CompletableFuture<Object> first =
                async(() -> blueGreen.rollback(rollback().approvedBy("alice").build()));
        assertThat(firstWrite.awaitArrival(WAIT)).isTrue();

        RollbackResult second = blueGreen.rollback(rollback().approvedBy("bob").build());
        assertThat(second.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        firstWrite.open();
        Object outcome = first.get(20, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOfSatisfying(ConflictException.class, e -> assertThat(e.getMessage())
                .contains("switched by someone else")
                .contains("now selects blue")
                .contains("bob")
                .contains("never flips traffic twice"));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(blueGreen.status("myapp").history())
                .extracting(HistoryEntry::action)
                .containsExactly(HistoryEntry.ROLLBACK, HistoryEntry.SWITCH);
    }

    @Test
    void aScaleDownThatReadTheOldScheduleCannotScaleTheColourTheRollbackMakesLive() throws Exception {
        clock.advance(Duration.ofSeconds(31)); // blue's scale-down is due
        RequestGate scaleWrite = hold("update", deploymentPath("myapp-blue"));
        CompletableFuture<Object> scalingDown = async(() -> blueGreen.scaleDownIfDue("myapp"));
        assertThat(scaleWrite.awaitArrival(WAIT)).isTrue();

        // the scale-down read blue with its due schedule and sent the write that scales it to 0; the rollback's claim
        // lands first (it drops the schedule, so the resourceVersion the scale-down holds is stale)
        RollbackResult rolledBack = blueGreen.rollback(rollback().build());
        assertThat(rolledBack.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        scaleWrite.open();
        Object outcome = scalingDown.get(20, TimeUnit.SECONDS);

        assertThat(outcome).isInstanceOfSatisfying(ScaleDownResult.class, r -> assertThat(r.outcome())
                .isNotEqualTo(ScaleDownResult.Outcome.SCALED_DOWN));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(ServingInvariants.endStateViolations(SIM.client(), namespace, "myapp", "myapp"))
                .isEmpty();
    }

    @Test
    void aLateScheduleOnAReleaseThatWasDeployedAfterTheLastTrafficChangeIsDroppedNotActedOn() {
        // a rollback's follow-up (an unguarded patch of scale-down-at on the colour it left) may land after a deploy
        // that announced itself once the rollback had written: the release waiting for its switch must not be scaled
        blueGreen.rollback(rollback().build());
        clock.advance(Duration.ofSeconds(1));
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(OTHER)
                .replaceRollbackTarget(true)
                .build());
        blueGreen.awaitHealthy("myapp", Color.GREEN, WAIT);
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName("myapp-green")
                .edit(d -> {
                    d.getMetadata()
                            .getAnnotations()
                            .put(
                                    StateKeys.SCALE_DOWN_AT,
                                    clock.instant().minusSeconds(1).toString());
                    return d;
                });

        ScaleDownResult result = blueGreen.scaleDownIfDue("myapp");

        assertThat(result.outcome()).isEqualTo(ScaleDownResult.Outcome.NOTHING_SCHEDULED);
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isEqualTo(2);
        assertThat(apps.deployment("myapp-green").getMetadata().getAnnotations())
                .doesNotContainKey(StateKeys.SCALE_DOWN_AT);
    }

    @Test
    void aStaleAnnouncementSendsTheRollbackToTheLockWhichClearsIt() {
        // a deploy that died after announcing itself, before writing anything else
        SIM.client().services().inNamespace(namespace).withName("myapp").edit(s -> new ServiceBuilder(s)
                .editMetadata()
                .addToAnnotations(
                        StateKeys.DEPLOYING,
                        DeployAnnouncement.value(Color.BLUE, clock.instant(), "https://ci.example/job/dead/1/"))
                .endMetadata()
                .build());
        String leases = "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases/myapp-bluegreen";
        long leaseRequests = SIM.sim().requests().count("*", leases);

        RollbackResult result = blueGreen.rollback(rollback().build());

        assertThat(result.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        assertThat(SIM.sim().requests().count("*", leases)).isGreaterThan(leaseRequests);
        assertThat(listener.infos).anyMatch(m -> m.contains("announces a deploy") && m.contains("job/dead"));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(apps.service("myapp").getMetadata().getAnnotations()).doesNotContainKey(StateKeys.DEPLOYING);
    }

    @Test
    void aRollbackAskedToTakeOverTheLockTakesIt() {
        blueGreen.acquireLock("myapp", OTHER, Duration.ZERO);

        RollbackResult result = blueGreen.rollback(rollback().takeOverLock(true).build());

        assertThat(result.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        assertThat(listener.warnings).anyMatch(w -> w.contains("taking over the deploy lock") && w.contains(OTHER));
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }

    @Test
    void anAbandonEndsTheAnnouncement() {
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(OTHER)
                .replaceRollbackTarget(true)
                .build());
        assertThat(apps.service("myapp").getMetadata().getAnnotations()).containsKey(StateKeys.DEPLOYING);

        blueGreen.abandon("myapp", OTHER);

        assertThat(apps.service("myapp").getMetadata().getAnnotations()).doesNotContainKey(StateKeys.DEPLOYING);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
    }
}
