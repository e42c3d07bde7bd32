package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.RequestGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A switch held to the revision that was tested and approved: deploy/await say what the healthy pods run, and a switch
 * told to expect it refuses, writing nothing, when the colour was changed in any way meanwhile — and puts the
 * Service back when the change races its write.
 */
class ApprovedRevisionTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final RecordingListener listener = new RecordingListener();

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();
    private final BlueGreen engine = SIM.engine(namespace).listener(listener).build();

    @AfterEach
    void clearRegistry() {
        SIM.sim().images().clear();
    }

    private HealthSummary deployAndAwait(String image) {
        Release release = engine.deploy(
                DeployRequest.builder("myapp").image(image).holder(HOLDER).build());
        return engine.awaitHealthy(release, Duration.ofSeconds(30));
    }

    private SwitchRequest.Builder switchTo(Revision expected) {
        return SwitchRequest.builder("myapp")
                .to(Color.GREEN)
                .holder(HOLDER)
                .approvedBy("alice")
                .expectRevision(expected);
    }

    private List<Pod> greenPods() {
        return SIM.client()
                .pods()
                .inNamespace(namespace)
                .withLabel(COLOR, "green")
                .list()
                .getItems();
    }

    private void editGreen(UnaryOperator<Deployment> change) {
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName("myapp-green")
                .edit(change);
        apps.awaitComplete("myapp-green");
    }

    @Test
    void theHealthyColoursRevisionIsItsTemplateHashAndTheDigestsItsPodsPulled() {
        HealthSummary healthy = deployAndAwait("myapp:2");

        Revision tested = healthy.tested();
        assertThat(tested).isNotNull();
        assertThat(greenPods()).isNotEmpty().allSatisfy(p -> assertThat(
                        p.getMetadata().getLabels())
                .containsEntry("pod-template-hash", tested.podTemplateHash()));
        assertThat(tested.imageDigests()).containsExactly(SIM.sim().images().digest("myapp:2"));
        assertThat(Revision.parse("expectRevision", tested.text())).isEqualTo(tested);
        assertThat(tested.text())
                .isEqualTo(tested.podTemplateHash() + "@" + SIM.sim().images().digest("myapp:2"));
        // what the caller of the colour-only await gets is the same
        assertThat(engine.awaitHealthy("myapp", Color.GREEN, Duration.ofSeconds(30))
                        .tested())
                .isEqualTo(tested);
    }

    @Test
    void theApprovedRevisionSwitchesAndIsRecordedBesideTheApprover() {
        Revision tested = deployAndAwait("myapp:2").tested();

        SwitchResult result = engine.switchTraffic(switchTo(tested).build());

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
        HistoryEntry head = new ReleaseHistory()
                .decode(apps.service("myapp").getMetadata().getAnnotations().get(StateKeys.HISTORY))
                .get(0);
        assertThat(head.approvedBy()).isEqualTo("alice");
        assertThat(head.tested()).isEqualTo(tested);
        assertThat(apps.service("myapp").getMetadata().getAnnotations().get(StateKeys.HISTORY))
                .contains("\"podTemplateHash\":\"" + tested.podTemplateHash() + "\"")
                .contains("\"imageDigests\":[\"" + tested.imageDigests().get(0) + "\"]");
    }

    @Test
    void aSetImageAfterApprovalIsRefusedNamingBothRevisionsAndNothingIsWritten() {
        Revision tested = deployAndAwait("myapp:2").tested();
        editGreen(
                d -> { // kubectl set image deployment/myapp-green myapp=myapp:3
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("myapp:3");
                    return d;
                });

        RevisionChangedException refused =
                refusedLeavingServiceAlone(switchTo(tested).build());

        assertThat(refused.getMessage())
                .contains(
                        "not switching to green",
                        tested.text(),
                        refused.found().text(),
                        "pod template changed",
                        "kubectl set image",
                        "approve the revision it runs");
        assertThat(refused.found().imageDigests())
                .containsExactly(SIM.sim().images().digest("myapp:3"));
        assertThat(refused).isInstanceOf(RefusedException.class);
    }

    @Test
    void anEditOfThePodTemplateIsRefused() {
        Revision tested = deployAndAwait("myapp:2").tested();
        editGreen(
                d -> { // kubectl edit: an environment variable added
                    d.getSpec()
                            .getTemplate()
                            .getSpec()
                            .getContainers()
                            .get(0)
                            .setEnv(List.of(new EnvVar("MODE", "debug", null)));
                    return d;
                });

        RevisionChangedException refused =
                refusedLeavingServiceAlone(switchTo(tested).build());

        assertThat(refused.getMessage()).contains("pod-template-hash " + tested.podTemplateHash() + " → ");
        assertThat(refused.found().imageDigests()).isEqualTo(tested.imageDigests()); // same image, other template
    }

    @Test
    void aRolloutRestartIsRefused() {
        Revision tested = deployAndAwait("myapp:2").tested();
        editGreen(
                d -> { // kubectl rollout restart
                    d.getSpec()
                            .getTemplate()
                            .getMetadata()
                            .setAnnotations(Map.of("kubectl.kubernetes.io/restartedAt", "2026-12-05T21:00:00Z"));
                    return d;
                });

        assertThat(refusedLeavingServiceAlone(switchTo(tested).build()).getMessage())
                .contains("pod template changed");
    }

    @Test
    void aRetaggedImagePulledAgainIsRefusedAsOtherImageContent() {
        Revision tested = deployAndAwait("myapp:2").tested();
        String pushed = SIM.sim().images().push("myapp:2"); // the tag now names other content
        SIM.client().pods().inNamespace(namespace).withLabel(COLOR, "green").delete(); // the pods restart and pull it
        Eventually.until(
                Duration.ofSeconds(20),
                () -> greenPods().size() == 2
                        && greenPods().stream()
                                .allMatch(p -> RolloutHealth.isReady(p)
                                        && Revision.digests(p).equals(List.of(pushed))));
        apps.awaitComplete("myapp-green");

        RevisionChangedException refused =
                refusedLeavingServiceAlone(switchTo(tested).build());

        assertThat(refused.getMessage())
                .contains("other image content under the same pod template", Revision.shortDigest(pushed));
        assertThat(refused.found()).isEqualTo(new Revision(tested.podTemplateHash(), List.of(pushed)));
    }

    @Test
    void aColourAlreadyLiveThatIsNotTheApprovedRevisionIsRefusedToo() {
        Revision tested = deployAndAwait("myapp:2").tested();
        engine.switchTraffic(
                SwitchRequest.builder("myapp").to(Color.GREEN).holder(HOLDER).build());
        editGreen(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("myapp:3");
            return d;
        });

        Throwable thrown =
                catchThrowable(() -> engine.switchTraffic(switchTo(tested).build()));

        assertThat(thrown).isInstanceOf(RevisionChangedException.class);
    }

    /**
     * The edit lands while the Service write is on its way (held by a gate): the check before the write saw the
     * approved revision, the re-check after it sees the change, and the Service is put back exactly as it was.
     */
    @Test
    void aChangeRacingTheWriteIsCaughtAndTheServicePutBack() throws Exception {
        Revision tested = deployAndAwait("myapp:2").tested();
        Service before = apps.service("myapp");
        RequestGate serviceWrite = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", "/api/v1/namespaces/" + namespace + "/services/myapp")
                        .holdUntil(serviceWrite)
                        .once());

        CompletableFuture<SwitchResult> switching = CompletableFuture.supplyAsync(
                () -> engine.switchTraffic(switchTo(tested).build()));
        assertThat(serviceWrite.awaitArrival(Duration.ofSeconds(20))).isTrue();
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName("myapp-green")
                .edit(d -> {
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("myapp:3");
                    return d;
                });
        serviceWrite.open();
        Throwable thrown = catchThrowable(() -> switching.get(30, TimeUnit.SECONDS));

        assertThat(thrown.getCause())
                .isInstanceOf(RevisionChangedException.class)
                .hasMessageContaining("changed while the switch was being written");
        Service after = apps.service("myapp");
        assertThat(after.getSpec().getSelector()).isEqualTo(before.getSpec().getSelector());
        assertThat(after.getMetadata().getAnnotations())
                .isEqualTo(before.getMetadata().getAnnotations());
        assertThat(listener.warnings).anySatisfy(w -> assertThat(w).contains("was put back to blue at once"));
    }

    @Test
    void garbledRevisionTextIsBadInputNamingTheField() {
        for (String garbled : List.of("2.0", "abc@", "abc@sha256:xyz", "@sha256:" + "a".repeat(64), " ")) {
            Throwable thrown = catchThrowable(() -> Revision.parse("expectRevision", garbled));
            assertThat(thrown)
                    .as(garbled)
                    .isInstanceOf(InvalidInputException.class)
                    .hasMessageStartingWith("expectRevision: ")
                    .hasMessageContaining("<pod-template-hash>@<digest>");
        }
        assertThat(Revision.parse("x", "abc@sha256:" + "b".repeat(64) + ",sha256:" + "a".repeat(64))
                        .imageDigests())
                .containsExactly("sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64));
        assertThat(Revision.digestOf("docker-pullable://example.org/app@sha256:" + "c".repeat(64)))
                .isEqualTo("sha256:" + "c".repeat(64));
        assertThat(Revision.digestOf("docker://sha256:" + "d".repeat(64))).isEqualTo("sha256:" + "d".repeat(64));
    }

    private RevisionChangedException refusedLeavingServiceAlone(SwitchRequest request) {
        Service before = apps.service("myapp");
        Throwable thrown = catchThrowable(() -> engine.switchTraffic(request));
        assertThat(thrown).isInstanceOf(RevisionChangedException.class);
        Service after = apps.service("myapp");
        assertThat(after.getMetadata().getResourceVersion())
                .isEqualTo(before.getMetadata().getResourceVersion());
        assertThat(after.getSpec().getSelector()).containsEntry(COLOR, "blue");
        return (RevisionChangedException) thrown;
    }
}
