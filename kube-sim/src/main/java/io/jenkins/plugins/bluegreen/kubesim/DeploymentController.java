package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Plays the Kubernetes Deployment controller: one ReplicaSet per pod template (by
 * {@code pod-template-hash}), rolling updates within maxSurge/maxUnavailable (or Recreate), scale,
 * and the rollout status clients wait on (observedGeneration, replica counts, and the Available,
 * Progressing and ReplicaFailure conditions, including ProgressDeadlineExceeded).
 */
final class DeploymentController {

    static final String HASH_LABEL = "pod-template-hash";
    static final String REVISION = "deployment.kubernetes.io/revision";

    /** Where the current rollout stands; kept in memory with nanosecond precision for short deadlines. */
    private static final class Rollout {
        final String replicaSet;
        long lastProgressNanos;
        String lastProgressTime;
        boolean complete;
        boolean timedOut;

        Rollout(String replicaSet) {
            this.replicaSet = replicaSet;
            this.lastProgressNanos = System.nanoTime();
            this.lastProgressTime = Pods.now();
        }
    }

    private final ClusterCache cache;
    private final StoreWriter writer;
    private final ControllerLoop loop;
    private final PodLifecycle lifecycle;
    private final SimSettings settings;
    private final EventRecorder events;
    private final TemplateHash templateHash = new TemplateHash();
    private final Map<String, Rollout> rollouts = new HashMap<>();

    DeploymentController(
            ClusterCache cache,
            StoreWriter writer,
            ControllerLoop loop,
            PodLifecycle lifecycle,
            SimSettings settings,
            EventRecorder events) {
        this.events = events;
        this.cache = cache;
        this.writer = writer;
        this.loop = loop;
        this.lifecycle = lifecycle;
        this.settings = settings;
    }

    /** Called inside the store lock: only schedules work. */
    void onEvent(StoreEvent e) {
        if (e.group().equals("apps") && e.plural().equals("deployments")) {
            enqueue(e.namespace(), e.name());
        } else if (e.group().equals("apps") && e.plural().equals("replicasets")) {
            ownerDeployment(e.object().path("metadata").path("ownerReferences"))
                    .forEach(d -> enqueue(e.namespace(), d));
        } else if (e.group().isEmpty() && e.plural().equals("pods")) {
            // pod → its ReplicaSet → that ReplicaSet's Deployment (read from the cache, already current)
            e.object().path("metadata").path("ownerReferences").forEach(ref -> {
                if (ref.path("kind").asText().equals("ReplicaSet")) {
                    cache.replicaSet(e.namespace(), ref.path("name").asText())
                            .ifPresent(rs -> rs.getMetadata().getOwnerReferences().stream()
                                    .filter(o -> o.getKind().equals("Deployment"))
                                    .forEach(o -> enqueue(e.namespace(), o.getName())));
                }
            });
        }
    }

    private static List<String> ownerDeployment(com.fasterxml.jackson.databind.JsonNode refs) {
        List<String> out = new ArrayList<>();
        refs.forEach(r -> {
            if (r.path("kind").asText().equals("Deployment")) {
                out.add(r.path("name").asText());
            }
        });
        return out;
    }

    void enqueue(String ns, String name) {
        loop.enqueue("deploy:" + ns + "/" + name, () -> reconcile(ns, name));
    }

    private void reconcile(String ns, String name) {
        String key = ns + "/" + name;
        Deployment d = cache.deployment(ns, name).orElse(null);
        if (d == null || Pods.isTerminating(d)) {
            rollouts.remove(key);
            return;
        }
        String hash = templateHash.of(d.getSpec().getTemplate());
        List<ReplicaSet> owned = ownedReplicaSets(d);
        ReplicaSet current = owned.stream()
                .filter(rs -> hash.equals(label(rs, HASH_LABEL)))
                .findFirst()
                .orElse(null);
        List<ReplicaSet> old = owned.stream().filter(rs -> rs != current).toList();
        ReplicaSet newRs = current;
        boolean scaled = false;
        if (!Boolean.TRUE.equals(d.getSpec().getPaused())) {
            if (newRs == null) {
                newRs = createReplicaSet(d, hash, maxRevision(owned) + 1, initialReplicas(d, old));
                scaled = true;
            } else if (revision(newRs) < maxRevision(owned)) {
                // rolling back to an earlier template: its ReplicaSet becomes the newest revision again
                newRs = setReplicas(d, newRs, replicas(newRs), maxRevision(owned) + 1);
            }
            if (newRs != null) {
                scaled |= isRecreate(d) ? recreate(d, newRs, old) : rollingUpdate(d, newRs, old);
            }
        }
        if (newRs != null) {
            newRs = syncAnnotations(d, newRs);
            annotateRevision(d, revision(newRs));
            updateStatus(ns, name, newRs.getMetadata().getName(), scaled);
        }
        cleanupHistory(d);
    }

    /** The newest ReplicaSet follows the Deployment's annotations (a change-cause set after the rollout too). */
    private ReplicaSet syncAnnotations(Deployment d, ReplicaSet rs) {
        Map<String, String> want = copiedAnnotations(d);
        Map<String, String> have = rs.getMetadata().getAnnotations() == null
                ? Map.of()
                : rs.getMetadata().getAnnotations();
        ObjectNode annotations = Json.mapper().createObjectNode();
        want.forEach((k, v) -> {
            if (!v.equals(have.get(k))) {
                annotations.put(k, v);
            }
        });
        if (annotations.isEmpty()) {
            return rs;
        }
        ObjectNode change = Json.mapper().createObjectNode();
        change.putObject("metadata").set("annotations", annotations);
        writer.merge(rs, change);
        return cache.replicaSet(
                        rs.getMetadata().getNamespace(), rs.getMetadata().getName())
                .orElse(rs);
    }

    /** The Deployment carries its current revision, as kubectl rollout history/undo expect. */
    private void annotateRevision(Deployment d, long revision) {
        Map<String, String> a = d.getMetadata().getAnnotations();
        if (revision > 0 && (a == null || !String.valueOf(revision).equals(a.get(REVISION)))) {
            ObjectNode change = Json.mapper().createObjectNode();
            change.putObject("metadata").putObject("annotations").put(REVISION, String.valueOf(revision));
            writer.merge(d, change);
        }
    }

    private List<ReplicaSet> ownedReplicaSets(Deployment d) {
        List<ReplicaSet> out = new ArrayList<>();
        for (ReplicaSet rs : cache.replicaSets(d.getMetadata().getNamespace())) {
            if (Pods.isOwnedBy(rs, d) && !Pods.isTerminating(rs)) {
                out.add(rs);
            }
        }
        out.sort(Comparator.comparing(ReplicaSetsByAge::key));
        return out;
    }

    /** Oldest first: by revision, then name for a stable order. */
    private static final class ReplicaSetsByAge {
        static String key(ReplicaSet rs) {
            return String.format("%010d/%s", revision(rs), rs.getMetadata().getName());
        }
    }

    private static int desired(Deployment d) {
        return d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    }

    private static int replicas(ReplicaSet rs) {
        return rs.getSpec().getReplicas() == null ? 0 : rs.getSpec().getReplicas();
    }

    private static long revision(ReplicaSet rs) {
        Map<String, String> a = rs.getMetadata().getAnnotations();
        try {
            return a == null || a.get(REVISION) == null ? 0 : Long.parseLong(a.get(REVISION));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static long maxRevision(List<ReplicaSet> rss) {
        return rss.stream().mapToLong(DeploymentController::revision).max().orElse(0);
    }

    private static String label(ReplicaSet rs, String key) {
        Map<String, String> l = rs.getMetadata().getLabels();
        return l == null ? null : l.get(key);
    }

    private static boolean isRecreate(Deployment d) {
        return d.getSpec().getStrategy() != null
                && "Recreate".equals(d.getSpec().getStrategy().getType());
    }

    private int initialReplicas(Deployment d, List<ReplicaSet> old) {
        int oldTotal = old.stream().mapToInt(DeploymentController::replicas).sum();
        if (oldTotal == 0) {
            return desired(d);
        }
        if (isRecreate(d)) {
            return 0;
        }
        return Math.max(0, Math.min(desired(d), desired(d) + maxSurge(d) - oldTotal));
    }

    private ReplicaSet createReplicaSet(Deployment d, String hash, long revision, int replicas) {
        PodTemplateSpec template = Serialization.clone(d.getSpec().getTemplate());
        if (template.getMetadata() == null) {
            template.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
        }
        template.getMetadata()
                .setLabels(ReplicaSetController.withLabel(template.getMetadata().getLabels(), HASH_LABEL, hash));
        var selector = Serialization.clone(d.getSpec().getSelector());
        selector.setMatchLabels(ReplicaSetController.withLabel(selector.getMatchLabels(), HASH_LABEL, hash));
        Map<String, String> annotations = new HashMap<>(copiedAnnotations(d));
        annotations.put(REVISION, String.valueOf(revision));
        annotations.put("deployment.kubernetes.io/desired-replicas", String.valueOf(desired(d)));
        annotations.put("deployment.kubernetes.io/max-replicas", String.valueOf(desired(d) + maxSurge(d)));
        ReplicaSet rs = new ReplicaSetBuilder()
                .withMetadata(new ObjectMetaBuilder()
                        .withName(d.getMetadata().getName() + "-" + hash)
                        .withNamespace(d.getMetadata().getNamespace())
                        .withLabels(template.getMetadata().getLabels())
                        .withAnnotations(annotations)
                        .withOwnerReferences(Pods.controllerRef(d))
                        .build())
                .withNewSpec()
                .withReplicas(replicas)
                .withMinReadySeconds(d.getSpec().getMinReadySeconds())
                .withSelector(selector)
                .withTemplate(template)
                .endSpec()
                .build();
        if (writer.create(rs) && replicas > 0) {
            events.normal(
                    d,
                    EventRecorder.Source.DEPLOYMENTS,
                    "ScalingReplicaSet",
                    "Scaled up replica set " + rs.getMetadata().getName() + " from 0 to " + replicas);
        }
        return cache.replicaSet(d.getMetadata().getNamespace(), rs.getMetadata().getName())
                .orElse(null);
    }

    /**
     * The Deployment annotations a ReplicaSet carries (kubernetes.io/change-cause among them, which
     * kubectl rollout history shows), without the controller's own and kubectl's last-applied.
     */
    private static Map<String, String> copiedAnnotations(Deployment d) {
        Map<String, String> out = new HashMap<>();
        Map<String, String> a = d.getMetadata().getAnnotations();
        if (a != null) {
            a.forEach((k, v) -> {
                if (!k.startsWith("deployment.kubernetes.io/")
                        && !k.equals("kubectl.kubernetes.io/last-applied-configuration")) {
                    out.put(k, v);
                }
            });
        }
        return out;
    }

    private ReplicaSet setReplicas(Deployment d, ReplicaSet rs, int replicas, long revision) {
        if (replicas(rs) == replicas && revision(rs) == revision) {
            return rs;
        }
        ObjectNode change = Json.mapper().createObjectNode();
        change.putObject("spec").put("replicas", replicas);
        ObjectNode annotations = change.putObject("metadata").putObject("annotations");
        if (revision != revision(rs)) {
            // the ReplicaSet becomes the newest revision again: it takes the Deployment's annotations
            // (kubectl rollout undo put the old change-cause there), as the real controller does
            copiedAnnotations(d).forEach(annotations::put);
        }
        annotations.put(REVISION, String.valueOf(revision));
        writer.merge(rs, change);
        return cache.replicaSet(
                        rs.getMetadata().getNamespace(), rs.getMetadata().getName())
                .orElse(rs);
    }

    private boolean scale(Deployment d, ReplicaSet rs, int replicas) {
        int before = replicas(rs);
        if (before == replicas) {
            return false;
        }
        setReplicas(d, rs, replicas, revision(rs));
        events.normal(
                d,
                EventRecorder.Source.DEPLOYMENTS,
                "ScalingReplicaSet",
                "Scaled " + (replicas > before ? "up" : "down") + " replica set "
                        + rs.getMetadata().getName() + " from " + before + " to " + replicas);
        return true;
    }

    private boolean recreate(Deployment d, ReplicaSet newRs, List<ReplicaSet> old) {
        boolean changed = false;
        for (ReplicaSet rs : old) {
            changed |= scale(d, rs, 0);
        }
        boolean oldPodsLeft = old.stream().anyMatch(rs -> !pods(rs).isEmpty());
        if (!oldPodsLeft) {
            changed |= scale(d, newRs, desired(d));
        }
        return changed;
    }

    private boolean rollingUpdate(Deployment d, ReplicaSet newRs, List<ReplicaSet> old) {
        int desired = desired(d);
        int maxSurge = maxSurge(d);
        int maxUnavailable = maxUnavailable(d);
        boolean changed = false;
        int oldTotal = old.stream().mapToInt(DeploymentController::replicas).sum();
        int newReplicas = replicas(newRs);
        // scale the new ReplicaSet up within the surge budget (or straight to size if it is alone)
        int target;
        if (oldTotal == 0 || newReplicas > desired) {
            target = desired;
        } else {
            int room = desired + maxSurge - (oldTotal + newReplicas);
            target = Math.min(desired, newReplicas + Math.max(0, room));
        }
        changed |= scale(d, newRs, target);
        if (oldTotal == 0) {
            return changed;
        }
        // scale old ReplicaSets down as far as availability allows
        long now = System.nanoTime();
        Integer minReady = d.getSpec().getMinReadySeconds();
        int minAvailable = desired - maxUnavailable;
        int newAvailable = (int) pods(newRs).stream()
                .filter(p -> lifecycle.isAvailable(p, minReady, now))
                .count();
        int newUnavailable = Math.max(0, target - newAvailable);
        int allTotal = oldTotal + target;
        int maxScaleDown = allTotal - minAvailable - newUnavailable;
        if (maxScaleDown <= 0) {
            return changed;
        }
        List<ReplicaSet> current = new ArrayList<>();
        for (ReplicaSet rs : old) {
            current.add(cache.replicaSet(
                            rs.getMetadata().getNamespace(), rs.getMetadata().getName())
                    .orElse(rs));
        }
        // first the old pods that are not available anyway: removing them costs no availability
        for (int i = 0; i < current.size() && maxScaleDown > 0; i++) {
            ReplicaSet rs = current.get(i);
            int unavailable = replicas(rs)
                    - (int) pods(rs).stream()
                            .filter(p -> lifecycle.isAvailable(p, minReady, now))
                            .count();
            int cut = Math.min(maxScaleDown, Math.max(0, unavailable));
            if (cut > 0) {
                scale(d, rs, replicas(rs) - cut);
                maxScaleDown -= cut;
                changed = true;
                current.set(
                        i,
                        cache.replicaSet(
                                        rs.getMetadata().getNamespace(),
                                        rs.getMetadata().getName())
                                .orElse(rs));
            }
        }
        int availableAll = newAvailable;
        for (ReplicaSet rs : current) {
            availableAll += (int) pods(rs).stream()
                    .filter(p -> lifecycle.isAvailable(p, minReady, now))
                    .count();
        }
        int canScaleDown = Math.min(maxScaleDown, availableAll - minAvailable);
        for (ReplicaSet rs : current) {
            if (canScaleDown <= 0) {
                break;
            }
            int cut = Math.min(replicas(rs), canScaleDown);
            if (cut > 0) {
                scale(d, rs, replicas(rs) - cut);
                canScaleDown -= cut;
                changed = true;
            }
        }
        return changed;
    }

    private int maxSurge(Deployment d) {
        var s = d.getSpec().getStrategy();
        IntOrString v = s == null || s.getRollingUpdate() == null
                ? null
                : s.getRollingUpdate().getMaxSurge();
        int surge = resolve(v, desired(d), true);
        return surge == 0 && maxUnavailableRaw(d) == 0 ? 0 : surge;
    }

    private int maxUnavailable(Deployment d) {
        int u = maxUnavailableRaw(d);
        // Kubernetes refuses maxSurge=0 with maxUnavailable=0; stay live by allowing one
        return u == 0 && resolve(surgeValue(d), desired(d), true) == 0 ? 1 : Math.min(u, desired(d));
    }

    private static IntOrString surgeValue(Deployment d) {
        var s = d.getSpec().getStrategy();
        return s == null || s.getRollingUpdate() == null
                ? null
                : s.getRollingUpdate().getMaxSurge();
    }

    private int maxUnavailableRaw(Deployment d) {
        var s = d.getSpec().getStrategy();
        IntOrString v = s == null || s.getRollingUpdate() == null
                ? null
                : s.getRollingUpdate().getMaxUnavailable();
        return resolve(v, desired(d), false);
    }

    /** An int or a percentage of {@code total}; surge rounds up, unavailability rounds down. */
    static int resolve(IntOrString v, int total, boolean roundUp) {
        if (v == null) {
            v = new IntOrString("25%");
        }
        if (v.getIntVal() != null) {
            return v.getIntVal();
        }
        String s = v.getStrVal().trim();
        if (!s.endsWith("%")) {
            return Integer.parseInt(s);
        }
        double pct = Double.parseDouble(s.substring(0, s.length() - 1)) * total / 100.0;
        return (int) (roundUp ? Math.ceil(pct) : Math.floor(pct));
    }

    private List<Pod> pods(ReplicaSet rs) {
        List<Pod> out = new ArrayList<>();
        for (Pod p : cache.pods(rs.getMetadata().getNamespace())) {
            if (Pods.isOwnedBy(p, rs) && !Pods.isTerminating(p)) {
                out.add(p);
            }
        }
        return out;
    }

    /** The pod counts a Deployment's status reports, over all its ReplicaSets. */
    private record Counts(int total, int specTotal, int ready, int available, int updated, boolean oldPods) {

        boolean complete(int desired) {
            return updated == desired && available == desired && total == desired && !oldPods;
        }

        /** Whether these counts moved the rollout on from the status written before. */
        boolean progressedSince(DeploymentStatus prev) {
            return updated > nz(prev.getUpdatedReplicas())
                    || ready > nz(prev.getReadyReplicas())
                    || available > nz(prev.getAvailableReplicas())
                    || (total - updated) < (nz(prev.getReplicas()) - nz(prev.getUpdatedReplicas()));
        }
    }

    private void updateStatus(String ns, String name, String newRsName, boolean scaled) {
        Deployment d = cache.deployment(ns, name).orElse(null);
        ReplicaSet newRs = cache.replicaSet(ns, newRsName).orElse(null);
        if (d == null || newRs == null) {
            return;
        }
        long now = System.nanoTime();
        Counts counts = count(d, newRs, now);
        DeploymentStatus prev = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        DeploymentStatus s = new DeploymentStatus();
        s.setObservedGeneration(d.getMetadata().getGeneration());
        s.setReplicas(counts.total());
        s.setUpdatedReplicas(counts.updated());
        s.setReadyReplicas(counts.ready());
        s.setAvailableReplicas(counts.available());
        int unavailable = Math.max(0, counts.specTotal() - counts.available());
        s.setUnavailableReplicas(unavailable == 0 ? null : unavailable);
        s.setCollisionCount(prev.getCollisionCount());

        List<DeploymentCondition> conditions = new ArrayList<>();
        boolean minAvailable = counts.available() >= desired(d) - maxUnavailable(d);
        conditions.add(condition(
                prev,
                "Available",
                minAvailable,
                minAvailable ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
                minAvailable
                        ? "Deployment has minimum availability."
                        : "Deployment does not have minimum availability.",
                null));
        conditions.add(progressing(d, prev, counts, newRsName, scaled, now));
        replicaFailure(newRs)
                .ifPresent(f -> conditions.add(new DeploymentConditionBuilder()
                        .withType("ReplicaFailure")
                        .withStatus("True")
                        .withReason(f.getReason())
                        .withMessage(f.getMessage())
                        .withLastUpdateTime(f.getLastTransitionTime())
                        .withLastTransitionTime(f.getLastTransitionTime())
                        .build()));
        s.setConditions(conditions);

        if (!Objects.equals(prev, s)) {
            Deployment copy = Serialization.clone(d);
            copy.setStatus(s);
            writer.replaceStatus(copy);
        }
        if (counts.ready() > counts.available()) {
            // pods serving out minReadySeconds: look again shortly
            loop.enqueueAfter(
                    "deploy-avail:" + ns + "/" + name, settings.specSecond().dividedBy(4), () -> enqueue(ns, name));
        }
    }

    private Counts count(Deployment d, ReplicaSet newRs, long now) {
        Integer minReady = d.getSpec().getMinReadySeconds();
        int total = 0;
        int ready = 0;
        int available = 0;
        int specTotal = 0;
        boolean oldPods = false;
        for (ReplicaSet rs : ownedReplicaSets(d)) {
            List<Pod> pods = pods(rs);
            total += pods.size();
            specTotal += replicas(rs);
            ready += (int) pods.stream().filter(Pods::isReady).count();
            available += (int) pods.stream()
                    .filter(p -> lifecycle.isAvailable(p, minReady, now))
                    .count();
            if (!rs.getMetadata().getName().equals(newRs.getMetadata().getName())) {
                oldPods |= !pods.isEmpty() || replicas(rs) > 0;
            }
        }
        return new Counts(total, specTotal, ready, available, pods(newRs).size(), oldPods);
    }

    /**
     * The Progressing condition: the rollout's progress is tracked in memory (nanoseconds, for short
     * deadlines); without progress for progressDeadlineSeconds it is ProgressDeadlineExceeded.
     */
    private DeploymentCondition progressing(
            Deployment d, DeploymentStatus prev, Counts counts, String newRsName, boolean scaled, long now) {
        String ns = d.getMetadata().getNamespace();
        String name = d.getMetadata().getName();
        String key = ns + "/" + name;
        Rollout r = rollouts.get(key);
        boolean progressed = scaled;
        if (r == null || !r.replicaSet.equals(newRsName)) {
            r = new Rollout(newRsName);
            rollouts.put(key, r);
            progressed = true;
        }
        progressed |= counts.progressedSince(prev);
        Integer deadline = d.getSpec().getProgressDeadlineSeconds();
        if (counts.complete(desired(d))) {
            if (!r.complete) {
                r.lastProgressTime = Pods.now();
            }
            r.complete = true;
            r.timedOut = false;
            return condition(
                    prev,
                    "Progressing",
                    true,
                    "NewReplicaSetAvailable",
                    "ReplicaSet \"" + newRsName + "\" has successfully progressed.",
                    r.lastProgressTime);
        }
        if (r.timedOut) {
            return timedOut(prev, newRsName, r);
        }
        if (r.complete && !progressed && previous(prev, "Progressing") != null) {
            // a finished rollout that lost pods is not "progressing" again and cannot time out
            return previous(prev, "Progressing");
        }
        if (progressed) {
            r.lastProgressNanos = now;
            r.lastProgressTime = Pods.now();
            r.complete = false;
        }
        long deadlineNanos = deadline == null
                ? Long.MAX_VALUE
                : settings.specSeconds(deadline).toNanos();
        if (!r.complete && now - r.lastProgressNanos >= deadlineNanos) {
            r.timedOut = true;
            r.lastProgressTime = Pods.now();
            return timedOut(prev, newRsName, r);
        }
        if (!r.complete && deadline != null) {
            // look again when the deadline passes
            long wait = r.lastProgressNanos + deadlineNanos - now;
            loop.enqueueAfter("deploy-deadline:" + key, Duration.ofNanos(wait).plusMillis(1), () -> enqueue(ns, name));
        }
        return condition(
                prev,
                "Progressing",
                true,
                "ReplicaSetUpdated",
                "ReplicaSet \"" + newRsName + "\" is progressing.",
                r.lastProgressTime);
    }

    private static DeploymentCondition timedOut(DeploymentStatus prev, String newRsName, Rollout r) {
        return condition(
                prev,
                "Progressing",
                false,
                "ProgressDeadlineExceeded",
                "ReplicaSet \"" + newRsName + "\" has timed out progressing.",
                r.lastProgressTime);
    }

    private static java.util.Optional<ReplicaSetCondition> replicaFailure(ReplicaSet rs) {
        if (rs.getStatus() == null || rs.getStatus().getConditions() == null) {
            return java.util.Optional.empty();
        }
        return rs.getStatus().getConditions().stream()
                .filter(c -> "ReplicaFailure".equals(c.getType()) && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static DeploymentCondition previous(DeploymentStatus prev, String type) {
        return prev.getConditions() == null
                ? null
                : prev.getConditions().stream()
                        .filter(c -> type.equals(c.getType()))
                        .findFirst()
                        .orElse(null);
    }

    /** A condition that keeps its lastTransitionTime while its status does not change. */
    private static DeploymentCondition condition(
            DeploymentStatus prev, String type, boolean status, String reason, String message, String lastUpdate) {
        DeploymentCondition before = prev.getConditions() == null
                ? null
                : prev.getConditions().stream()
                        .filter(c -> type.equals(c.getType()))
                        .findFirst()
                        .orElse(null);
        String statusText = status ? "True" : "False";
        String now = Pods.now();
        String transition =
                before != null && statusText.equals(before.getStatus()) ? before.getLastTransitionTime() : now;
        String update = lastUpdate != null
                ? lastUpdate
                : before != null && statusText.equals(before.getStatus()) && reason.equals(before.getReason())
                        ? before.getLastUpdateTime()
                        : now;
        return new DeploymentConditionBuilder()
                .withType(type)
                .withStatus(statusText)
                .withReason(reason)
                .withMessage(message)
                .withLastTransitionTime(transition)
                .withLastUpdateTime(update)
                .build();
    }

    private static int nz(Integer i) {
        return i == null ? 0 : i;
    }

    /** Deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
    private void cleanupHistory(Deployment d) {
        int limit =
                d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
        String hash = templateHash.of(d.getSpec().getTemplate());
        List<ReplicaSet> idle = ownedReplicaSets(d).stream()
                .filter(rs -> !hash.equals(label(rs, HASH_LABEL)) && replicas(rs) == 0 && pods(rs).isEmpty())
                .toList();
        for (int i = 0; i < idle.size() - limit; i++) {
            writer.delete(idle.get(i));
        }
    }
}
