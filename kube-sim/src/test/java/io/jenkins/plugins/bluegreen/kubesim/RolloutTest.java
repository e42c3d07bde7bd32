package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RolloutTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(
            KubeSim.builder().readyDelay(Duration.ofMillis(150)).specSecond(Duration.ofMillis(100)));

    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Map<String, String> LABELS = Map.of("app", "roll");

    private static Deployment get(KubernetesClient c, String ns) {
        return c.apps().deployments().inNamespace(ns).withName("roll").get();
    }

    private static String progressing(Deployment d) {
        if (d.getStatus() == null || d.getStatus().getConditions() == null) {
            return null;
        }
        return d.getStatus().getConditions().stream()
                .filter(x -> x.getType().equals("Progressing"))
                .map(DeploymentCondition::getReason)
                .findFirst()
                .orElse(null);
    }

    private static boolean complete(KubernetesClient c, String ns, int replicas) {
        Deployment d = get(c, ns);
        DeploymentStatus s = d.getStatus();
        return s != null
                && d.getMetadata().getGeneration().equals(s.getObservedGeneration())
                && Integer.valueOf(replicas).equals(s.getUpdatedReplicas())
                && Integer.valueOf(replicas).equals(s.getAvailableReplicas())
                && Integer.valueOf(replicas).equals(s.getReplicas())
                && "NewReplicaSetAvailable".equals(progressing(d));
    }

    private static void setImage(KubernetesClient c, String ns, String image) {
        c.apps().deployments().inNamespace(ns).withName("roll").edit(d -> {
            d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage(image);
            return d;
        });
    }

    @Test
    void rollingUpdateReplacesOldPodsWithinSurgeAndReportsProgress() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        Deployment d = Fixtures.deployment("roll", "roll:1", 4, LABELS);
        d.getSpec()
                .setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
                        .withType("RollingUpdate")
                        .withNewRollingUpdate()
                        .withMaxSurge(new IntOrString(1))
                        .withMaxUnavailable(new IntOrString(0))
                        .endRollingUpdate()
                        .build());
        c.apps().deployments().inNamespace(ns).resource(d).create();
        await(WAIT, "first rollout", () -> complete(c, ns, 4));

        List<Integer> updatedSeen = new CopyOnWriteArrayList<>();
        AtomicInteger maxPods = new AtomicInteger();
        try (Watch w = c.apps().deployments().inNamespace(ns).withName("roll").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Deployment dep) {
                if (dep.getStatus() != null && dep.getStatus().getUpdatedReplicas() != null) {
                    updatedSeen.add(dep.getStatus().getUpdatedReplicas());
                    maxPods.accumulateAndGet(dep.getStatus().getReplicas(), Math::max);
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            setImage(c, ns, "roll:2");
            Deployment afterEdit = get(c, ns);
            assertThat(afterEdit.getMetadata().getGeneration()).isEqualTo(2L);
            await(WAIT, "second rollout", () -> complete(c, ns, 4));
        }
        // progress like 1/4, 2/4, 3/4 was observable, and surge 1 / unavailable 0 held
        assertThat(updatedSeen).contains(1, 2, 3, 4);
        assertThat(maxPods.get()).isLessThanOrEqualTo(5);

        List<ReplicaSet> rss = c.apps().replicaSets().inNamespace(ns).list().getItems();
        rss.sort(
                Comparator.comparing(rs -> rs.getMetadata().getAnnotations().get("deployment.kubernetes.io/revision")));
        assertThat(rss).hasSize(2);
        assertThat(rss.get(0).getSpec().getReplicas()).isZero();
        assertThat(rss.get(1).getSpec().getReplicas()).isEqualTo(4);
        assertThat(rss.get(1).getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
        List<Pod> pods = c.pods().inNamespace(ns).list().getItems();
        assertThat(pods).hasSize(4).allSatisfy(p -> assertThat(
                        p.getSpec().getContainers().get(0).getImage())
                .isEqualTo("roll:2"));

        // back to the first template: its ReplicaSet is reused and becomes revision 3
        setImage(c, ns, "roll:1");
        await(WAIT, "rollback rollout", () -> complete(c, ns, 4));
        assertThat(c.apps().replicaSets().inNamespace(ns).list().getItems())
                .hasSize(2)
                .anySatisfy(rs -> {
                    assertThat(rs.getMetadata().getName())
                            .isEqualTo(rss.get(0).getMetadata().getName());
                    assertThat(rs.getMetadata().getAnnotations())
                            .containsEntry("deployment.kubernetes.io/revision", "3");
                    assertThat(rs.getSpec().getReplicas()).isEqualTo(4);
                });
    }

    @Test
    void undoLikeKubectlReusesTheOldReplicaSetAndTheDeploymentCarriesItsRevision() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("roll", "roll:1", 2, LABELS))
                .create();
        await(WAIT, "first rollout", () -> complete(c, ns, 2));
        setImage(c, ns, "roll:2");
        await(WAIT, "second rollout", () -> complete(c, ns, 2));
        assertThat(get(c, ns).getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "2");
        // kubectl rollout undo copies the old ReplicaSet's template back, with creationTimestamp: null and
        // empty resources: semantically the first template, so its ReplicaSet must be reused
        c.apps()
                .deployments()
                .inNamespace(ns)
                .withName("roll")
                .patch(
                        io.fabric8.kubernetes.client.dsl.base.PatchContext.of(
                                io.fabric8.kubernetes.client.dsl.base.PatchType.JSON),
                        "[{\"op\":\"replace\",\"path\":\"/spec/template\",\"value\":{\"metadata\":{\"creationTimestamp\":null,"
                                + "\"labels\":{\"app\":\"roll\"}},\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"roll:1\","
                                + "\"ports\":[{\"containerPort\":8080,\"protocol\":\"TCP\"}],\"resources\":{},"
                                + "\"imagePullPolicy\":\"IfNotPresent\"}],\"restartPolicy\":\"Always\",\"dnsPolicy\":\"ClusterFirst\","
                                + "\"schedulerName\":\"default-scheduler\",\"terminationGracePeriodSeconds\":30}}}]");
        await(WAIT, "undo rollout", () -> complete(c, ns, 2));
        assertThat(c.apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(2);
        assertThat(get(c, ns).getMetadata().getAnnotations()).containsEntry("deployment.kubernetes.io/revision", "3");
    }

    @Test
    void scaleUpAndDownThroughTheDeploymentAndTheScaleSubresource() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("roll", "roll:1", 2, LABELS))
                .create();
        await(WAIT, "rollout", () -> complete(c, ns, 2));
        c.apps().deployments().inNamespace(ns).withName("roll").scale(5);
        await(WAIT, "scaled up", () -> complete(c, ns, 5));
        assertThat(c.pods().inNamespace(ns).list().getItems()).hasSize(5);
        c.apps().deployments().inNamespace(ns).withName("roll").edit(d -> {
            d.getSpec().setReplicas(1);
            return d;
        });
        await(
                WAIT,
                "scaled down",
                () -> complete(c, ns, 1)
                        && c.pods().inNamespace(ns).list().getItems().size() == 1);
        assertThat(c.apps().replicaSets().inNamespace(ns).list().getItems()).hasSize(1);
    }

    @Test
    void minReadySecondsDelaysAvailability() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        Deployment d = Fixtures.deployment("roll", "roll:1", 2, LABELS);
        d.getSpec().setMinReadySeconds(5); // 5 spec seconds = 500 ms in this sim
        c.apps().deployments().inNamespace(ns).resource(d).create();
        await(WAIT, "pods ready", () -> {
            DeploymentStatus s = get(c, ns).getStatus();
            return s != null && Integer.valueOf(2).equals(s.getReadyReplicas());
        });
        DeploymentStatus whileWaiting = get(c, ns).getStatus();
        assertThat(whileWaiting.getAvailableReplicas()).isLessThan(2);
        assertThat(whileWaiting.getUnavailableReplicas()).isPositive();
        await(WAIT, "available after minReadySeconds", () -> complete(c, ns, 2));
    }

    @Test
    void recreateStrategyRemovesOldPodsBeforeCreatingNewOnes() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        Deployment d = Fixtures.deployment("roll", "roll:1", 3, LABELS);
        d.getSpec()
                .setStrategy(new io.fabric8.kubernetes.api.model.apps.DeploymentStrategyBuilder()
                        .withType("Recreate")
                        .build());
        c.apps().deployments().inNamespace(ns).resource(d).create();
        await(WAIT, "rollout", () -> complete(c, ns, 3));
        AtomicInteger mixed = new AtomicInteger();
        try (Watch w = c.pods().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                List<Pod> pods = c.pods().inNamespace(ns).list().getItems();
                boolean old = pods.stream()
                        .anyMatch(p ->
                                p.getSpec().getContainers().get(0).getImage().equals("roll:1"));
                boolean neu = pods.stream()
                        .anyMatch(p ->
                                p.getSpec().getContainers().get(0).getImage().equals("roll:2"));
                if (old && neu) {
                    mixed.incrementAndGet();
                }
            }

            @Override
            public void onClose(WatcherException cause) {}
        })) {
            setImage(c, ns, "roll:2");
            await(WAIT, "recreated", () -> complete(c, ns, 3));
        }
        assertThat(mixed.get()).isZero();
    }

    @Test
    void deletingTheDeploymentCascadesToReplicaSetsAndPods() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("roll", "roll:1", 2, LABELS))
                .create();
        await(WAIT, "rollout", () -> complete(c, ns, 2));
        c.apps().deployments().inNamespace(ns).withName("roll").delete();
        await(
                WAIT,
                "cascade",
                () -> c.apps().replicaSets().inNamespace(ns).list().getItems().isEmpty()
                        && c.pods().inNamespace(ns).list().getItems().isEmpty());
    }

    @Test
    void podReadyHookReportsEachPodOnce() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        List<PodReadyEvent> ready = new CopyOnWriteArrayList<>();
        long before = System.nanoTime();
        SIM.sim().onPodReady(e -> {
            if (e.namespace().equals(ns)) {
                ready.add(e);
            }
        });
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("roll", "roll:1", 3, LABELS))
                .create();
        await(WAIT, "rollout", () -> complete(c, ns, 3));
        assertThat(ready).hasSize(3).allSatisfy(e -> {
            assertThat(e.name()).startsWith("roll-");
            assertThat(e.nanoTime()).isGreaterThan(before);
        });
        assertThat(ready.stream().map(PodReadyEvent::name).distinct()).hasSize(3);
    }
}
