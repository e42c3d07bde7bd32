package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A switch verified for a window: the new live colour is watched after traffic moved, and its failure switches
 * traffic back to the colour kept running for it. Failures are scripted by kube-sim's {@code crash-after}, races by
 * fault rules; nothing waits for a time to pass except the windows themselves.
 */
class VerifiedCutoverTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    /** Long enough for deploy, await and switch to be done before the crash, however loaded the machine. */
    private static final Duration CRASH_AFTER = Duration.ofSeconds(3);

    private final RecordingListener listener = new RecordingListener();
    private BlueGreen blueGreen;
    private SharedWatches watches;
    private KubernetesClient observer;
    private ClusterTrace trace;

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();

    @BeforeEach
    void blueLive() {
        watches = new SharedWatches(SIM.client());
        blueGreen = SIM.engine(namespace).listener(listener).watches(watches).build();
        observer = ApiFault.observerClient(SIM.sim());
        trace = new ClusterTrace(observer, namespace);
    }

    @AfterEach
    void cleanUp() {
        SIM.sim().faults().clear();
        SIM.sim().scripts().clear();
        trace.close();
        observer.close();
        watches.close();
    }

    private void deployGreen(String image) {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image(image).holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", Color.GREEN, Duration.ofSeconds(20));
    }

    private SwitchRequest.Builder verified(Duration window) {
        return SwitchRequest.builder("myapp").holder(HOLDER).approvedBy("alice").verifyFor(window);
    }

    private static Throwable failureOf(CutoverVerification verification) throws Exception {
        try {
            verification.result().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
        throw new AssertionError("the verification passed");
    }

    /** The pods the Service's EndpointSlices list, as "name ready". */
    private List<String> endpoints() {
        List<String> pods = new ArrayList<>();
        for (EndpointSlice slice : SIM.client()
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", "myapp")
                .list()
                .getItems()) {
            for (Endpoint e : slice.getEndpoints()) {
                boolean ready = e.getConditions() == null
                        || !Boolean.FALSE.equals(e.getConditions().getReady());
                pods.add(e.getTargetRef().getName() + (ready ? " ready" : " unready"));
            }
        }
        return pods;
    }

    private List<String> invariantViolations() {
        trace.awaitCaughtUp(observer);
        List<String> problems = new ArrayList<>(ServingInvariants.traceViolations(trace, "myapp", "myapp"));
        problems.addAll(ServingInvariants.endStateViolations(SIM.client(), namespace, "myapp", "myapp"));
        return problems;
    }

    /**
     * Between the crash and the revert the Service selects a colour without ready pods: that is the failure being
     * reverted, so a crash test judges where it ends.
     */
    private List<String> endStateViolations() {
        return ServingInvariants.endStateViolations(SIM.client(), namespace, "myapp", "myapp");
    }

    private List<HistoryEntry> history() {
        return new ReleaseHistory().decode(Labels.annotation(apps.service("myapp"), StateKeys.HISTORY));
    }

    @Test
    void aColourThatCrashLoopsFiveSecondsAfterTheSwitchIsRevertedAutomatically() throws Exception {
        SIM.sim().scripts().image("myapp:2", PodScript.crashAfter(Duration.ofSeconds(5)));
        deployGreen("myapp:2");

        CutoverVerification verification =
                blueGreen.switchTrafficVerified(verified(Duration.ofMinutes(2)).build());
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green"); // traffic moved at once

        Throwable failure = failureOf(verification);
        assertThat(failure).isInstanceOf(AutoRevertedException.class);
        AutoRevertedException reverted = (AutoRevertedException) failure;
        assertThat(reverted.failed()).isEqualTo(Color.GREEN);
        assertThat(reverted.revertedTo()).isEqualTo(Color.BLUE);
        assertThat(reverted.pods()).isNotEmpty().allSatisfy(p -> assertThat(p.pod())
                .startsWith("myapp-green-"));
        assertThat(reverted.getMessage())
                .contains("green failed its verification")
                .contains("pod myapp-green-")
                .containsPattern("CrashLoopBackOff|Restarted|NotReady")
                .contains("traffic is back on blue");
        // what users get: the Service's endpoints are blue's ready pods again
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(endpoints())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e).startsWith("myapp-blue-").endsWith(" ready"));
        HistoryEntry head = history().get(0);
        assertThat(head.action()).isEqualTo(HistoryEntry.AUTO_REVERT);
        assertThat(head.color()).isEqualTo(Color.BLUE);
        assertThat(head.reason()).contains("myapp-green-");
        assertThat(history().get(1).action()).isEqualTo(HistoryEntry.SWITCH);
        assertThat(history().get(1).verifiedAt()).isNull();
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder).filter(h -> !h.isEmpty()))
                .isEmpty();
        assertThat(endStateViolations()).isEmpty();
    }

    @Test
    void aRevertedReleaseIsNotSwitchedToAgainWithoutItsName() throws Exception {
        SIM.sim().scripts().image("myapp:2", PodScript.crashAfter(CRASH_AFTER));
        deployGreen("myapp:2");
        CutoverVerification verification =
                blueGreen.switchTrafficVerified(verified(Duration.ofMinutes(2)).build());
        assertThat(failureOf(verification)).isInstanceOf(AutoRevertedException.class);

        // the auto-revert counts as the rollback it is: an unnamed switch and a second rollback refuse
        assertThatThrownBy(() -> blueGreen.switchTraffic(
                        SwitchRequest.builder("myapp").holder(HOLDER).build()))
                .isInstanceOf(RolledBackReleaseException.class);
        assertThatThrownBy(() -> blueGreen.rollback(
                        RollbackRequest.builder("myapp").holder(HOLDER).build()))
                .isInstanceOf(RolledBackReleaseException.class);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    @Test
    void aHealthyColourPassesAndIsRecordedVerified() throws Exception {
        deployGreen("myapp:2");
        CutoverVerification verification =
                blueGreen.switchTrafficVerified(verified(Duration.ofSeconds(1)).build());
        Instant until = verification.until();

        VerificationResult result = verification.result().get(60, TimeUnit.SECONDS);

        assertThat(result.outcome()).isEqualTo(VerificationResult.Outcome.VERIFIED);
        assertThat(result.color()).isEqualTo(Color.GREEN);
        HistoryEntry head = history().get(0);
        assertThat(head.action()).isEqualTo(HistoryEntry.SWITCH);
        assertThat(head.color()).isEqualTo(Color.GREEN);
        assertThat(head.approvedBy()).isEqualTo("alice");
        assertThat(head.verifiedAt()).isNotNull().isAfterOrEqualTo(until);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder).filter(h -> !h.isEmpty()))
                .isEmpty();
        assertThat(listener.infos).anyMatch(i -> i.contains("passed its verification"));
        assertThat(invariantViolations()).isEmpty();
    }

    @Test
    void theBlockingSwitchVerifiesToo() {
        deployGreen("myapp:2");
        SwitchResult result =
                blueGreen.switchTraffic(verified(Duration.ofMillis(500)).build());
        assertThat(result.to()).isEqualTo(Color.GREEN);
        assertThat(history().get(0).verifiedAt()).isNotNull();
    }

    @Test
    void theOldColourIsNotScaledDownBeforeTheWindowEndsWhateverTheDelay() throws Exception {
        deployGreen("myapp:2");
        CutoverVerification verification = blueGreen.switchTrafficVerified(verified(Duration.ofMinutes(2))
                .scaleDownDelay(Duration.ofSeconds(1))
                .build());

        Instant due = new DeploymentView(apps.deployment("myapp-blue")).instantAnnotation(StateKeys.SCALE_DOWN_AT);
        assertThat(due).isAfterOrEqualTo(verification.until());
        assertThat(verification.switched().scaleDownAt()).isEqualTo(due);
        // a scale-down run (cron, another process) finds nothing due
        BlueGreen later = BlueGreen.builder(SIM.client())
                .namespace(namespace)
                .clock(java.time.Clock.offset(java.time.Clock.systemUTC(), Duration.ofSeconds(5)))
                .build();
        assertThat(later.scaleDownIfDue("myapp").outcome()).isEqualTo(ScaleDownResult.Outcome.NOT_DUE);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(2);
        verification.stop("test over").get(20, TimeUnit.SECONDS);
    }

    @Test
    void stoppingKeepsTrafficStopsWatchingAndReleasesTheLock() throws Exception {
        deployGreen("myapp:2");
        CutoverVerification verification =
                blueGreen.switchTrafficVerified(verified(Duration.ofMinutes(2)).build());
        assertThat(blueGreen.lock("myapp")).map(LockInfo::holder).hasValue(HOLDER + ":verifying");

        assertThat(verification.stop("build aborted").get(20, TimeUnit.SECONDS)).isTrue();

        Throwable failure = failureOf(verification);
        assertThat(failure)
                .isInstanceOf(VerificationStoppedException.class)
                .hasMessageContaining("build aborted")
                .hasMessageContaining("traffic stays on green")
                .hasMessageContaining("myapp-blue keeps running until");
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        assertThat(history().get(0).verifiedAt()).isNull();
        assertThat(blueGreen.lock("myapp").map(LockInfo::holder).filter(h -> !h.isEmpty()))
                .isEmpty();
        // the watches are gone: only the shared informers of other waits would remain, and there are none
        assertThat(verification.stop("again").get(20, TimeUnit.SECONDS)).isFalse();
        assertThat(verification.watching()).isFalse();
        assertThat(watches.activeInformers()).isZero(); // the colour's pod informer stopped with its last subscriber
    }

    @Test
    void aDeployDuringTheWindowIsRefusedEvenOneThatWouldReplaceTheRollbackTarget() throws Exception {
        deployGreen("myapp:2");
        CutoverVerification verification =
                blueGreen.switchTrafficVerified(verified(Duration.ofMinutes(2)).build());

        // the same holder (a pipeline's next deploy, a CLI session taking back its lock) is refused as well
        assertThatThrownBy(() -> blueGreen.deploy(DeployRequest.builder("myapp")
                        .image("myapp:3")
                        .holder(HOLDER)
                        .replaceRollbackTarget(true)
                        .build()))
                .isInstanceOf(LockHeldException.class)
                .hasMessageContaining(HOLDER + ":verifying");
        assertThat(apps.deployment("myapp-blue")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:1");
        verification.stop("test over").get(20, TimeUnit.SECONDS);
    }

    @Test
    void aRevertWhoseServiceWriteConflictsStillLands() throws Exception {
        SIM.sim().scripts().image("myapp:2", PodScript.crashAfter(CRASH_AFTER));
        deployGreen("myapp:2");
        CutoverVerification verification =
                blueGreen.switchTrafficVerified(verified(Duration.ofMinutes(2)).build());
        // the revert's first Service write loses a race (409): it reads again, decides again and writes
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", "/api/v1/namespaces/" + namespace + "/services/myapp")
                        .respond(409)
                        .once());

        assertThat(failureOf(verification))
                .isInstanceOf(AutoRevertedException.class)
                .hasMessageContaining("traffic is back on blue");
        assertThat(listener.infos).anyMatch(i -> i.contains("changed by someone else while switching"));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(endpoints())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e).startsWith("myapp-blue-").endsWith(" ready"));
        assertThat(history().get(0).action()).isEqualTo(HistoryEntry.AUTO_REVERT);
        assertThat(endStateViolations()).isEmpty();
    }

    @Test
    void aNegativeWindowIsRefusedBeforeAnyWrite() {
        deployGreen("myapp:2");
        String before = apps.dump();
        assertThatThrownBy(() -> blueGreen.switchTrafficVerified(
                        verified(Duration.ofSeconds(-1)).build()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("verifyFor");
        assertThat(apps.dump()).isEqualTo(before);
    }

    @Test
    void historyEntriesWithoutVerificationKeepTheirShape() {
        ReleaseHistory codec = new ReleaseHistory();
        HistoryEntry plain = HistoryEntry.builder("switch", Color.GREEN)
                .revision("2")
                .images(List.of("myapp:2"))
                .switchedAt(Instant.parse("2026-01-01T00:00:00Z"))
                .approvedBy("alice")
                .build();
        assertThat(codec.encode(List.of(plain))).doesNotContain("reason").doesNotContain("verifiedAt");
        HistoryEntry verified = plain.verified(Instant.parse("2026-01-01T00:02:00Z"));
        assertThat(codec.decode(codec.encode(List.of(verified)))).containsExactly(verified);
    }
}
