package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class PodScriptTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(
            KubeSim.builder().readyDelay(Duration.ofMillis(100)).specSecond(Duration.ofMillis(100)));

    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterEach
    void clearScripts() {
        SIM.sim().scripts().clear();
    }

    private static String deploy(String image, int replicas, String annotation) {
        String ns = SIM.newNamespace();
        Deployment d = Fixtures.deployment("app", image, replicas, Map.of("app", "app"));
        if (annotation != null) {
            d.getSpec().getTemplate().getMetadata().setAnnotations(Map.of(PodScripts.ANNOTATION, annotation));
        }
        SIM.client().apps().deployments().inNamespace(ns).resource(d).create();
        return ns;
    }

    private static List<Pod> pods(String ns) {
        return SIM.client().pods().inNamespace(ns).list().getItems();
    }

    private static Optional<ContainerStatus> container(Pod p) {
        return p.getStatus() == null
                        || p.getStatus().getContainerStatuses() == null
                        || p.getStatus().getContainerStatuses().isEmpty()
                ? Optional.empty()
                : Optional.of(p.getStatus().getContainerStatuses().get(0));
    }

    private static String waitingReason(Pod p) {
        return container(p)
                .map(c -> c.getState().getWaiting())
                .map(w -> w.getReason())
                .orElse(null);
    }

    private static Optional<PodCondition> condition(Pod p, String type) {
        return p.getStatus() == null || p.getStatus().getConditions() == null
                ? Optional.empty()
                : p.getStatus().getConditions().stream()
                        .filter(c -> c.getType().equals(type))
                        .findFirst();
    }

    private static Optional<DeploymentCondition> condition(Deployment d, String type) {
        return d.getStatus() == null || d.getStatus().getConditions() == null
                ? Optional.empty()
                : d.getStatus().getConditions().stream()
                        .filter(c -> c.getType().equals(type))
                        .findFirst();
    }

    private static boolean allPods(String ns, int n, java.util.function.Predicate<Pod> p) {
        List<Pod> pods = pods(ns);
        return pods.size() == n && pods.stream().allMatch(p);
    }

    @Test
    void neverReadyRunsWithReadinessFailing() throws Exception {
        SIM.sim().scripts().image("app:never", PodScript.NEVER_READY);
        String ns = deploy("app:never", 2, null);
        await(
                WAIT,
                "running",
                () -> allPods(ns, 2, p -> "Running".equals(p.getStatus().getPhase())));
        Thread.sleep(300);
        assertThat(pods(ns)).allSatisfy(p -> {
            assertThat(condition(p, "Ready").get().getStatus()).isEqualTo("False");
            assertThat(condition(p, "Ready").get().getReason()).isEqualTo("ContainersNotReady");
            assertThat(container(p).get().getReady()).isFalse();
            assertThat(container(p).get().getState().getRunning()).isNotNull();
        });
    }

    @Test
    void crashLoopRestartsWithGrowingCountAndLastStateError() {
        SIM.sim().scripts().image("app:crash", PodScript.CRASH_LOOP);
        String ns = deploy("app:crash", 1, null);
        await(
                WAIT,
                "restarted twice",
                () -> allPods(ns, 1, p -> container(p)
                        .map(c -> c.getRestartCount() >= 2)
                        .orElse(false)));
        Pod p = pods(ns).get(0);
        assertThat(waitingReason(p)).isEqualTo("CrashLoopBackOff");
        assertThat(container(p).get().getState().getWaiting().getMessage())
                .contains("back-off")
                .contains("restarting");
        assertThat(container(p).get().getLastState().getTerminated().getReason())
                .isEqualTo("Error");
        assertThat(container(p).get().getLastState().getTerminated().getExitCode())
                .isEqualTo(1);
        assertThat(p.getStatus().getPhase()).isEqualTo("Running");
    }

    @Test
    void crashAfterIsReadyFirstThenCrashLoopsWithRestartsCountingAndReadinessLost() throws Exception {
        String ns = SIM.newNamespace();
        List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<PodCrashEvent> crashes = new java.util.concurrent.CopyOnWriteArrayList<>();
        SIM.sim().onPodCrash(e -> {
            if (e.namespace().equals(ns)) {
                crashes.add(e);
            }
        });
        // Ready lasts 300 ms: every state comes from a watch opened before the pod exists, not from polling
        try (io.fabric8.kubernetes.client.Watch watch = SIM.client()
                .pods()
                .inNamespace(ns)
                .watch(new io.fabric8.kubernetes.client.Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod p) {
                        if (p.getStatus() == null || p.getStatus().getPodIP() == null) {
                            return;
                        }
                        String state = Pods.isReady(p) ? "ready" : String.valueOf(waitingReason(p));
                        synchronized (seen) {
                            if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(state)) {
                                seen.add(state);
                            }
                        }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                })) {
            Deployment d = Fixtures.deployment("app", "app:1", 1, Map.of("app", "app"));
            d.getSpec().getTemplate().getMetadata().setAnnotations(Map.of(PodScripts.ANNOTATION, "crash-after:300ms"));
            SIM.client().apps().deployments().inNamespace(ns).resource(d).create();
            await(
                    WAIT,
                    "restarted twice",
                    () -> allPods(ns, 1, p -> container(p)
                            .map(c -> c.getRestartCount() >= 2)
                            .orElse(false)));
        }
        assertThat(seen).containsSubsequence("ready", "CrashLoopBackOff");
        Pod p = pods(ns).get(0);
        assertThat(condition(p, "Ready").get().getStatus()).isEqualTo("False");
        assertThat(container(p).get().getLastState().getTerminated().getReason())
                .isEqualTo("Error");
        assertThat(crashes).extracting(PodCrashEvent::restarts).startsWith(1, 2);
        await(WAIT, "the Deployment counts it unready", () -> {
            Deployment d = SIM.client()
                    .apps()
                    .deployments()
                    .inNamespace(ns)
                    .withName("app")
                    .get();
            return d.getStatus().getReadyReplicas() == null || d.getStatus().getReadyReplicas() == 0;
        });
    }

    @Test
    void imagePullErrorThenBackOff() throws Exception {
        SIM.sim().scripts().image("app:missing", PodScript.IMAGE_PULL_ERROR);
        // ErrImagePull lasts half a ready delay (50 ms here): polling missed it on a loaded machine, so every state the
        // pod
        // passes through is taken from a watch opened before the pod exists
        String ns = SIM.newNamespace();
        List<String> reasons = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (io.fabric8.kubernetes.client.Watch watch = SIM.client()
                .pods()
                .inNamespace(ns)
                .watch(new io.fabric8.kubernetes.client.Watcher<Pod>() {
                    @Override
                    public void eventReceived(Action action, Pod p) {
                        String reason = waitingReason(p);
                        synchronized (reasons) {
                            if (reason != null
                                    && (reasons.isEmpty()
                                            || !reasons.get(reasons.size() - 1).equals(reason))) {
                                reasons.add(reason);
                            }
                        }
                    }

                    @Override
                    public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {}
                })) {
            SIM.client()
                    .apps()
                    .deployments()
                    .inNamespace(ns)
                    .resource(Fixtures.deployment("app", "app:missing", 1, Map.of("app", "app")))
                    .create();
            await(WAIT, "ImagePullBackOff", () -> reasons.contains("ImagePullBackOff"));
        }
        assertThat(reasons).containsSubsequence("ErrImagePull", "ImagePullBackOff");
        Pod p = pods(ns).get(0);
        assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
        assertThat(container(p).get().getState().getWaiting().getMessage()).contains("app:missing");
    }

    @Test
    void createContainerConfigErrorNamesTheMissingSecret() {
        String ns = deploy("app:1", 1, "create-config-error");
        await(WAIT, "config error", () -> allPods(ns, 1, p -> "CreateContainerConfigError".equals(waitingReason(p))));
        assertThat(container(pods(ns).get(0)).get().getState().getWaiting().getMessage())
                .contains("secret")
                .contains("not found");
    }

    @Test
    void unschedulableStaysPendingWithPodScheduledFalse() throws Exception {
        SIM.sim().scripts().image("app:huge", PodScript.UNSCHEDULABLE);
        String ns = deploy("app:huge", 2, null);
        await(
                WAIT,
                "unschedulable",
                () -> allPods(ns, 2, p -> condition(p, "PodScheduled")
                        .map(c -> "Unschedulable".equals(c.getReason()) && "False".equals(c.getStatus()))
                        .orElse(false)));
        Thread.sleep(250);
        assertThat(pods(ns)).allSatisfy(p -> {
            assertThat(p.getStatus().getPhase()).isEqualTo("Pending");
            assertThat(p.getSpec().getNodeName()).isNull();
            assertThat(condition(p, "PodScheduled").get().getMessage()).contains("Insufficient");
        });
    }

    @Test
    void quotaCreatesNoPodsAndReportsReplicaFailure() throws Exception {
        SIM.sim().scripts().image("app:quota", PodScript.QUOTA);
        String ns = deploy("app:quota", 3, null);
        await(WAIT, "deployment ReplicaFailure", () -> condition(
                        SIM.client()
                                .apps()
                                .deployments()
                                .inNamespace(ns)
                                .withName("app")
                                .get(),
                        "ReplicaFailure")
                .isPresent());
        Deployment d = SIM.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .withName("app")
                .get();
        DeploymentCondition failure = condition(d, "ReplicaFailure").get();
        assertThat(failure.getStatus()).isEqualTo("True");
        assertThat(failure.getReason()).isEqualTo("FailedCreate");
        assertThat(failure.getMessage()).contains("exceeded quota");
        ReplicaSet rs = SIM.client()
                .apps()
                .replicaSets()
                .inNamespace(ns)
                .list()
                .getItems()
                .get(0);
        assertThat(rs.getStatus().getConditions())
                .anySatisfy(c -> assertThat(c.getReason()).isEqualTo("FailedCreate"));
        assertThat(pods(ns)).isEmpty();
    }

    @Test
    void slowPodsBecomeReadyAfterTheExtraDelay() {
        SIM.sim().scripts().image("app:slow", PodScript.slow(Duration.ofMillis(700)));
        long start = System.nanoTime();
        String ns = deploy("app:slow", 1, null);
        await(WAIT, "ready", () -> allPods(ns, 1, Pods::isReady));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void progressDeadlineExceededWhenPodsNeverBecomeReady() {
        String ns = SIM.newNamespace();
        Deployment d = Fixtures.deployment("app", "app:1", 2, Map.of("app", "app"));
        d.getSpec().getTemplate().getMetadata().setAnnotations(Map.of(PodScripts.ANNOTATION, "progress-deadline"));
        d.getSpec().setProgressDeadlineSeconds(3); // 300 ms in this sim
        SIM.client().apps().deployments().inNamespace(ns).resource(d).create();
        await(WAIT, "ProgressDeadlineExceeded", () -> condition(
                        SIM.client()
                                .apps()
                                .deployments()
                                .inNamespace(ns)
                                .withName("app")
                                .get(),
                        "Progressing")
                .map(c -> "ProgressDeadlineExceeded".equals(c.getReason()))
                .orElse(false));
        DeploymentCondition c = condition(
                        SIM.client()
                                .apps()
                                .deployments()
                                .inNamespace(ns)
                                .withName("app")
                                .get(),
                        "Progressing")
                .get();
        assertThat(c.getStatus()).isEqualTo("False");
        assertThat(c.getMessage()).contains("has timed out progressing");
        assertThat(pods(ns)).allSatisfy(p -> assertThat(waitingReason(p)).isEqualTo("ContainerCreating"));
    }

    @Test
    void flappingPodsToggleReadiness() {
        SIM.sim().scripts().image("app:flap", PodScript.flapping(Duration.ofMillis(150)));
        String ns = deploy("app:flap", 1, null);
        List<Boolean> seen = new ArrayList<>();
        await(WAIT, "ready, unready, ready", () -> {
            List<Pod> pods = pods(ns);
            if (pods.isEmpty()
                    || pods.get(0).getStatus() == null
                    || pods.get(0).getStatus().getPodIP() == null) {
                return false;
            }
            boolean ready = Pods.isReady(pods.get(0));
            if (seen.isEmpty() || seen.get(seen.size() - 1) != ready) {
                seen.add(ready);
            }
            return seen.size() >= 4;
        });
        assertThat(seen).containsSubsequence(true, false, true);
    }

    @Test
    void annotationWinsOverImageScript() {
        SIM.sim().scripts().image("app:1", PodScript.CRASH_LOOP);
        String ns = deploy("app:1", 1, "normal");
        await(WAIT, "ready", () -> allPods(ns, 1, Pods::isReady));
    }

    @Test
    void scriptNamesParse() {
        assertThat(PodScript.parse("never-ready")).isEqualTo(PodScript.NEVER_READY);
        assertThat(PodScript.parse("slow:5s")).isEqualTo(PodScript.slow(Duration.ofSeconds(5)));
        assertThat(PodScript.parse("flapping:250ms")).isEqualTo(PodScript.flapping(Duration.ofMillis(250)));
        assertThat(PodScript.parse("Image-Pull-Error")).isEqualTo(PodScript.IMAGE_PULL_ERROR);
        assertThat(PodScript.parse("crash-after:5s")).isEqualTo(PodScript.crashAfter(Duration.ofSeconds(5)));
        assertThat(PodScript.crashAfter(Duration.ofMillis(1500)).name()).isEqualTo("crash-after:1500ms");
        assertThat(PodScript.slow(Duration.ofSeconds(2)).name()).isEqualTo("slow:2000ms");
        assertThatThrownBy(() -> PodScript.parse("explode"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("crash-loop");
    }
}
