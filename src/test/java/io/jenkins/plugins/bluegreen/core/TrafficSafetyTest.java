package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The traffic invariants (docs/reliability.md) where two operations meet: a scale-down that is due while traffic is
 * being switched back to that very colour; and a switch whose traffic write succeeded but whose follow-up writes fail.
 * Interleavings are forced by holding one request in kube-sim, not by timing.
 */
class TrafficSafetyTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final RecordingListener listener = new RecordingListener();
    private final MutableClock clock = new MutableClock();
    private KubernetesClient observer;
    private ClusterTrace trace;

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen =
            SIM.engine(namespace).listener(listener).clock(clock).build();

    @BeforeEach
    void greenLiveBlueScheduledForScaleDown() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", Color.GREEN, Duration.ofSeconds(20));
        observer = ApiFault.observerClient(SIM.sim());
        trace = new ClusterTrace(observer, namespace);
    }

    @AfterEach
    void cleanUp() {
        SIM.sim().faults().clear();
        trace.close();
        observer.close();
    }

    private String path(String kindPath) {
        return (kindPath.startsWith("deployments") ? "/apis/apps/v1/namespaces/" : "/api/v1/namespaces/") + namespace
                + "/" + kindPath;
    }

    private List<String> invariantViolations() {
        trace.awaitCaughtUp(observer);
        List<String> problems = new ArrayList<>(ServingInvariants.traceViolations(trace, "myapp", "myapp"));
        problems.addAll(ServingInvariants.endStateViolations(SIM.client(), namespace, "myapp", "myapp"));
        return problems;
    }

    /**
     * A rollback to blue (still running, its scale-down due) reads blue as ready and sends the Service write; the
     * scale-down runs while that write is on its way. The scale-down must not scale blue to zero under the Service
     * that is about to select it: the switch claims its target (drops the schedule, guarded by the Deployment's
     * resourceVersion) before it writes the Service, so one of the two loses the race and re-decides.
     */
    @Test
    void aScaleDownCannotEmptyTheColourTrafficIsBeingSwitchedTo() throws Exception {
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ofSeconds(30))
                .build());
        clock.advance(Duration.ofSeconds(31)); // blue's scale-down is due
        // held by a gate, not a delay, so the scale-down runs while the write waits however loaded the machine is
        io.jenkins.plugins.bluegreen.kubesim.RequestGate serviceWrite =
                new io.jenkins.plugins.bluegreen.kubesim.RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", path("services/myapp"))
                        .holdUntil(serviceWrite)
                        .once());

        CompletableFuture<RollbackResult> rollback =
                CompletableFuture.supplyAsync(() -> blueGreen.rollback(RollbackRequest.builder("myapp")
                        .holder(HOLDER)
                        .timeout(Duration.ofSeconds(20))
                        .build()));
        assertThat(serviceWrite.awaitArrival(Duration.ofSeconds(20))).isTrue();
        ScaleDownResult scaleDown = blueGreen.scaleDownIfDue("myapp"); // while the Service write is held
        serviceWrite.open();
        RollbackResult rolledBack = rollback.get(20, TimeUnit.SECONDS);

        assertThat(rolledBack.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(scaleDown.outcome()).isNotEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(invariantViolations()).isEmpty();
    }

    /** The same race the other way round: the scale-down's write lands first, so the switch must not happen. */
    @Test
    void aSwitchCannotSelectAColourWhoseScaleDownLandedFirst() throws Exception {
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ofSeconds(30))
                .build());
        clock.advance(Duration.ofSeconds(31));
        AppState readBeforeScaleDown = AppState.read(engineContext(), "myapp", null);
        blueGreen.scaleDownIfDue("myapp");

        // a switch that decided on the state read before the scale-down (as a rollback that waited for the lock does)
        try {
            new SwitchTraffic(engineContext(), new DeployLock(engineContext()))
                    .switchAndFollow(
                            readBeforeScaleDown,
                            Color.BLUE,
                            HistoryEntry.ROLLBACK,
                            "alice",
                            null,
                            Duration.ofSeconds(30));
        } catch (ConflictException expected) {
            assertThat(expected.getMessage()).contains("scaled to 0");
        }

        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(invariantViolations()).isEmpty();
    }

    /**
     * Once the Service write succeeded, traffic has moved: a failing follow-up (scheduling the old colour's scale-down,
     * releasing the lock) must not turn that into a reported failure — a pipeline would then roll back a release that
     * went live, or retry a switch that is done. It is reported as a warning, and what it leaves is the safe side:
     * the old colour keeps running, the lock expires.
     */
    @Test
    void aSwitchThatMovedTrafficSucceedsEvenIfItsFollowUpsFail() {
        // a client that gives up after 2 retries, so the persistent faults below end quickly
        KubernetesClient impatient = ApiFault.client(SIM.sim());
        BlueGreen blueGreen = BlueGreen.builder(impatient)
                .namespace(namespace)
                .listener(listener)
                .clock(clock)
                .build();
        // the follow-ups write with update or, where they read nothing first (fewer requests per cutover), patch: fail
        // both
        for (String verb : new String[] {"update", "patch"}) {
            SIM.sim()
                    .faults()
                    .add(FaultRule.on(verb, path("deployments/myapp-blue")).respond(500));
            SIM.sim()
                    .faults()
                    .add(FaultRule.on(
                                    verb,
                                    "/apis/coordination.k8s.io/v1/namespaces/" + namespace + "/leases/myapp-bluegreen")
                            .respond(500));
        }

        SwitchResult result = blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .approvedBy("alice")
                .scaleDownDelay(Duration.ofSeconds(30))
                .build());

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(result.scaleDownAt()).as("nothing was scheduled").isNull();
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(blueGreen.status("myapp").history()).first().satisfies(h -> assertThat(h.approvedBy())
                .isEqualTo("alice"));
        assertThat(listener.warnings)
                .anyMatch(w -> w.contains("myapp-blue") && w.contains("keeps running"))
                .anyMatch(w -> w.contains("lock"));
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(invariantViolations()).isEmpty();
        impatient.close();
    }

    /**
     * The scale-down re-reads the Service after its write (a switch made by hand may have slipped in). When that read
     * fails, the scale-down is still done: it must say so (with what to check), not report a failure.
     */
    @Test
    void aScaleDownThatCannotReadTheServiceAgainStillReportsWhatItDid() {
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ofSeconds(30))
                .build());
        clock.advance(Duration.ofSeconds(31));
        KubernetesClient impatient = ApiFault.client(SIM.sim());
        BlueGreen engine = BlueGreen.builder(impatient)
                .namespace(namespace)
                .listener(listener)
                .clock(clock)
                .build();
        java.util.concurrent.atomic.AtomicBoolean scaled = new java.util.concurrent.atomic.AtomicBoolean();
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", path("deployments/myapp-blue"))
                        .where(r -> {
                            scaled.set(true); // observes only: never fires
                            return false;
                        })
                        .respond(500));
        SIM.sim()
                .faults()
                .add(FaultRule.on("get", path("services/myapp"))
                        .where(r -> scaled.get())
                        .respond(500));

        ScaleDownResult result = engine.scaleDownIfDue("myapp");

        assertThat(result.outcome()).isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isZero();
        assertThat(listener.warnings)
                .anyMatch(w -> w.contains("could not read Service myapp again")
                        && w.contains("kubectl -n " + namespace + " get service myapp"));
        SIM.sim().faults().clear();
        assertThat(invariantViolations()).isEmpty();
        impatient.close();
    }

    private EngineContext engineContext() {
        return new EngineContext(
                SIM.client(),
                namespace,
                BlueGreenSettings.defaults(),
                listener,
                Runnable::run,
                clock,
                new SharedWatches(SIM.client()),
                new ApiRetry(SIM.client()));
    }
}
