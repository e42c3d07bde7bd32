package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes the core/v1 Events the simulated controllers, scheduler and kubelet report, as
 * client-go's event recorder does: a repeat of the same event (same object, reason and message)
 * raises {@code count} and {@code lastTimestamp} of the one Event instead of adding another, and a
 * namespace holds at most {@link #MAX_PER_NAMESPACE} distinct events (a real cluster expires them
 * after an hour), so thousands of pods do not flood the store. Runs on the controller loop only.
 */
final class EventRecorder {

    static final int MAX_PER_NAMESPACE = 1000;
    static final String NORMAL = "Normal";
    static final String WARNING = "Warning";

    /** Who reports: {@code deployment-controller}, {@code kubelet} on a host, ... */
    record Source(String component, String host) {
        static final Source DEPLOYMENTS = new Source("deployment-controller", null);
        static final Source REPLICA_SETS = new Source("replicaset-controller", null);
        static final Source SCHEDULER = new Source("default-scheduler", null);
        static final Source KUBELET = new Source("kubelet", EndpointsController.NODE);
    }

    private record Recorded(Event event, int count) {}

    private final StoreWriter writer;
    private final ControllerLoop loop;
    private final Map<String, Recorded> recorded = new HashMap<>();
    private final Map<String, Integer> perNamespace = new HashMap<>();
    private final AtomicLong sequence = new AtomicLong();

    EventRecorder(StoreWriter writer, ControllerLoop loop) {
        this.writer = writer;
        this.loop = loop;
    }

    void normal(HasMetadata about, Source source, String reason, String message) {
        record(about, null, source, NORMAL, reason, message);
    }

    void warning(HasMetadata about, Source source, String reason, String message) {
        record(about, null, source, WARNING, reason, message);
    }

    /** An event about one container of a pod (the kubelet's). */
    void container(HasMetadata pod, String container, String type, String reason, String message) {
        record(pod, "spec.containers{" + container + "}", Source.KUBELET, type, reason, message);
    }

    void record(HasMetadata about, String fieldPath, Source source, String type, String reason, String message) {
        String ns = about.getMetadata().getNamespace() == null
                ? "default"
                : about.getMetadata().getNamespace();
        String key = about.getMetadata().getUid() + "|" + fieldPath + "|" + source.component() + "|" + type + "|"
                + reason + "|" + message;
        String now = Pods.now();
        Recorded seen = recorded.get(key);
        if (seen != null) {
            int count = seen.count() + 1;
            ObjectNode change =
                    Json.mapper().createObjectNode().put("count", count).put("lastTimestamp", now);
            if (writer.mergeUnguarded(seen.event(), change)) {
                recorded.put(key, new Recorded(seen.event(), count));
                return;
            }
            recorded.remove(key); // deleted meanwhile (its namespace went): record it afresh
        }
        if (perNamespace.merge(ns, 1, Integer::sum) > MAX_PER_NAMESPACE) {
            perNamespace.merge(ns, -1, Integer::sum);
            return;
        }
        // client-go names an event <object>.<unix nanos in hex>
        long nanos = System.currentTimeMillis() * 1_000_000L + sequence.incrementAndGet() % 1_000_000L;
        Event event = new EventBuilder()
                .withNewMetadata()
                .withName(about.getMetadata().getName() + "." + Long.toHexString(nanos))
                .withNamespace(ns)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder()
                        .withApiVersion(about.getApiVersion())
                        .withKind(about.getKind())
                        .withNamespace(about.getMetadata().getNamespace())
                        .withName(about.getMetadata().getName())
                        .withUid(about.getMetadata().getUid())
                        .withResourceVersion(about.getMetadata().getResourceVersion())
                        .withFieldPath(fieldPath)
                        .build())
                .withType(type)
                .withReason(reason)
                .withMessage(message)
                .withNewSource()
                .withComponent(source.component())
                .withHost(source.host())
                .endSource()
                .withReportingComponent(source.component())
                .withReportingInstance(source.host() == null ? "" : source.host())
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .build();
        if (writer.create(event)) {
            recorded.put(key, new Recorded(event, 1));
        } else {
            perNamespace.merge(ns, -1, Integer::sum);
        }
    }

    /** Called inside the store lock: a deleted namespace took its events along. */
    void onEvent(StoreEvent e) {
        if (e.type().equals("DELETED") && e.group().isEmpty() && e.plural().equals("namespaces")) {
            String ns = e.name();
            loop.enqueue("events-forget:" + ns, () -> {
                perNamespace.remove(ns);
                recorded.values()
                        .removeIf(r -> ns.equals(r.event().getMetadata().getNamespace()));
            });
        }
    }

    /** After a reset: the store is empty. */
    void forget() {
        recorded.clear();
        perNamespace.clear();
    }
}
