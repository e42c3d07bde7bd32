package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps each ReplicaSet's pod count at spec.replicas and reports its status. Pods are created
 * from the template with an owner reference; excess pods are removed not-ready first, newest
 * first, like Kubernetes. A template scripted {@code quota} gets no pods, only a ReplicaFailure
 * condition, which is what a real quota rejection looks like from outside.
 */
final class ReplicaSetController {

    private static final String NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

    private final ClusterCache cache;
    private final StoreWriter writer;
    private final ControllerLoop loop;
    private final PodLifecycle lifecycle;
    private final PodScripts scripts;
    private final SimSettings settings;
    private final EventRecorder events;

    ReplicaSetController(
            ClusterCache cache,
            StoreWriter writer,
            ControllerLoop loop,
            PodLifecycle lifecycle,
            PodScripts scripts,
            SimSettings settings,
            EventRecorder events) {
        this.events = events;
        this.cache = cache;
        this.writer = writer;
        this.loop = loop;
        this.lifecycle = lifecycle;
        this.scripts = scripts;
        this.settings = settings;
    }

    /** Called inside the store lock: only schedules work. */
    void onEvent(StoreEvent e) {
        if (e.group().equals("apps")
                && e.plural().equals("replicasets")
                && !e.type().equals("DELETED")) {
            enqueue(e.namespace(), e.name());
        } else if (e.group().isEmpty() && e.plural().equals("pods")) {
            e.object().path("metadata").path("ownerReferences").forEach(ref -> {
                if (ref.path("kind").asText().equals("ReplicaSet")) {
                    enqueue(e.namespace(), ref.path("name").asText());
                }
            });
        }
    }

    void enqueue(String ns, String name) {
        loop.enqueue("rs:" + ns + "/" + name, () -> reconcile(ns, name));
    }

    private void reconcile(String ns, String name) {
        ReplicaSet rs = cache.replicaSet(ns, name).orElse(null);
        if (rs == null || Pods.isTerminating(rs)) {
            return;
        }
        List<Pod> pods = ownedPods(rs);
        int desired = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
        ReplicaSetCondition failure = null;
        if (pods.size() < desired) {
            PodScript script = scripts.resolve(
                    rs.getSpec().getTemplate().getMetadata(),
                    rs.getSpec().getTemplate().getSpec());
            if (script.behaviour() == PodScript.Behaviour.QUOTA) {
                failure = quotaFailure(rs, pods.size());
            } else {
                createPods(rs, desired - pods.size(), script.behaviour() != PodScript.Behaviour.UNSCHEDULABLE);
            }
        } else if (pods.size() > desired) {
            deletePods(rs, pods, pods.size() - desired);
        }
        updateStatus(ns, name, failure);
    }

    private List<Pod> ownedPods(ReplicaSet rs) {
        List<Pod> pods = new ArrayList<>();
        for (Pod p : cache.pods(rs.getMetadata().getNamespace())) {
            if (Pods.isOwnedBy(p, rs) && !Pods.isTerminating(p)) {
                pods.add(p);
            }
        }
        return pods;
    }

    private void createPods(ReplicaSet rs, int count, boolean schedulable) {
        var template = rs.getSpec().getTemplate();
        Duration spread = settings.readyDelay();
        for (int i = 0; i < count; i++) {
            Pod pod = new PodBuilder()
                    .withMetadata(new ObjectMetaBuilder()
                            .withName(rs.getMetadata().getName() + "-" + randomSuffix())
                            .withNamespace(rs.getMetadata().getNamespace())
                            .withLabels(
                                    template.getMetadata() == null
                                            ? Map.of()
                                            : template.getMetadata().getLabels())
                            .withAnnotations(
                                    template.getMetadata() == null
                                            ? null
                                            : template.getMetadata().getAnnotations())
                            .withOwnerReferences(Pods.controllerRef(rs))
                            .build())
                    .withSpec(Serialization.clone(template.getSpec()))
                    .build();
            if (schedulable) {
                // the scheduler's binding, done at creation: there is one node
                pod.getSpec().setNodeName(EndpointsController.NODE);
            }
            if (writer.create(pod)) {
                events.normal(
                        rs,
                        EventRecorder.Source.REPLICA_SETS,
                        "SuccessfulCreate",
                        "Created pod: " + pod.getMetadata().getName());
                // the cache already holds the stored pod (uid, resourceVersion) once create returns;
                // a batch becomes Ready spread over at most one more ready delay, so 3/10 is observable
                Duration stagger = spread.multipliedBy(i).dividedBy(Math.max(count, 10));
                cache.pod(pod.getMetadata().getNamespace(), pod.getMetadata().getName())
                        .ifPresent(stored -> lifecycle.start(stored, stagger));
            }
        }
    }

    private void deletePods(ReplicaSet rs, List<Pod> pods, int count) {
        long now = System.nanoTime();
        List<Pod> ranked = new ArrayList<>(pods);
        // delete the least useful first: unscheduled/pending, then not ready, then the newest
        ranked.sort(Comparator.comparing((Pod p) ->
                        p.getStatus() != null && "Running".equals(p.getStatus().getPhase()))
                .thenComparing(Pods::isReady)
                .thenComparing((Pod p) -> -Objects.requireNonNullElse(lifecycle.readySinceNanos(p), now)));
        for (int i = 0; i < count && i < ranked.size(); i++) {
            if (writer.delete(ranked.get(i))) {
                events.normal(
                        rs,
                        EventRecorder.Source.REPLICA_SETS,
                        "SuccessfulDelete",
                        "Deleted pod: " + ranked.get(i).getMetadata().getName());
            }
        }
    }

    private ReplicaSetCondition quotaFailure(ReplicaSet rs, int used) {
        return new ReplicaSetConditionBuilder()
                .withType("ReplicaFailure")
                .withStatus("True")
                .withReason("FailedCreate")
                .withLastTransitionTime(Pods.now())
                .withMessage("pods \"" + rs.getMetadata().getName() + "-" + randomSuffix() + "\" is forbidden: "
                        + "exceeded quota: compute-resources, requested: pods=1, used: pods=" + used
                        + ", limited: pods=" + used)
                .build();
    }

    private void updateStatus(String ns, String name, ReplicaSetCondition failure) {
        ReplicaSet rs = cache.replicaSet(ns, name).orElse(null);
        if (rs == null) {
            return;
        }
        List<Pod> pods = ownedPods(rs);
        long now = System.nanoTime();
        int ready = (int) pods.stream().filter(Pods::isReady).count();
        int available = (int) pods.stream()
                .filter(p -> lifecycle.isAvailable(p, rs.getSpec().getMinReadySeconds(), now))
                .count();
        ReplicaSetStatus status = new ReplicaSetStatus();
        status.setReplicas(pods.size());
        status.setFullyLabeledReplicas(pods.size());
        status.setReadyReplicas(ready);
        status.setAvailableReplicas(available);
        status.setObservedGeneration(rs.getMetadata().getGeneration());
        ReplicaSetCondition previous = rs.getStatus() == null || rs.getStatus().getConditions() == null
                ? null
                : rs.getStatus().getConditions().stream()
                        .filter(c -> c.getType().equals("ReplicaFailure"))
                        .findFirst()
                        .orElse(null);
        if (failure != null) {
            // keep the first message and time while the failure persists, so the status settles
            ReplicaSetCondition kept = previous != null ? previous : failure;
            status.setConditions(List.of(kept));
            events.warning(
                    rs, EventRecorder.Source.REPLICA_SETS, "FailedCreate", "Error creating: " + kept.getMessage());
        }
        if (!Objects.equals(normalize(rs.getStatus()), normalize(status))) {
            ReplicaSet copy = Serialization.clone(rs);
            copy.setStatus(status);
            writer.replaceStatus(copy);
        }
        if (ready > available) {
            // pods waiting out minReadySeconds: look again when the first could become available
            loop.enqueueAfter(
                    "rs-avail:" + ns + "/" + name, settings.specSecond().dividedBy(4), () -> enqueue(ns, name));
        }
    }

    private static ReplicaSetStatus normalize(ReplicaSetStatus s) {
        if (s == null) {
            return null;
        }
        ReplicaSetStatus c = Serialization.clone(s);
        if (c.getConditions() != null && c.getConditions().isEmpty()) {
            c.setConditions(null);
        }
        return c;
    }

    private static String randomSuffix() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(NAME_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(NAME_ALPHABET.length())));
        }
        return sb.toString();
    }

    static Map<String, String> withLabel(Map<String, String> labels, String key, String value) {
        Map<String, String> m = new HashMap<>(labels == null ? Map.of() : labels);
        m.put(key, value);
        return m;
    }
}
