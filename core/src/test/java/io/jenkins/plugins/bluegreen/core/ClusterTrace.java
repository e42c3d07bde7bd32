package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceList;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every version of the Services and Deployments of one namespace, as watches deliver them while a test runs, so the
 * invariants of DESIGN §1 can be checked at every moment of a release and not only at its end: a serving colour that
 * was scaled to zero and scaled back up a moment later leaves no trace in the final state, but it does here.
 *
 * <p>kube-sim's resourceVersions are one counter for the whole store, so the two watches merge into one history by
 * sorting on it. The watches carry a no-op field selector ({@link #MARKER}) so that fault rules can leave the
 * recorder alone ({@link #isRecorder}); {@code faults().dropWatches()} still drops them, and they resume from the
 * last version seen — a recorder that could not resume (410 Gone) is reported, never silently incomplete.
 */
final class ClusterTrace implements AutoCloseable {
    /** The query part that tells the recorder's requests from the engine's. */
    static final String MARKER = "fieldSelector=metadata.namespace";

    /** One observed version of an object; {@code deleted} for the last state before a deletion. */
    record Version(long resourceVersion, HasMetadata object, boolean deleted) { }

    private final KubernetesClient client;
    private final String namespace;
    private final List<Version> versions = new CopyOnWriteArrayList<>();
    private final Map<String, Long> latestSeen = new ConcurrentHashMap<>();
    private final List<String> broken = new CopyOnWriteArrayList<>();
    private final List<HasMetadata> initial = new ArrayList<>();
    private final long startVersion;
    private final Watch services;
    private final Watch deployments;

    ClusterTrace(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        ServiceList serviceList = client.services().inNamespace(namespace).list();
        DeploymentList deploymentList = client.apps().deployments().inNamespace(namespace).list();
        initial.addAll(serviceList.getItems());
        initial.addAll(deploymentList.getItems());
        initial.forEach(o -> latestSeen.merge(key(o), rv(o), Math::max));
        startVersion = Math.max(rv(serviceList.getMetadata().getResourceVersion()),
                rv(deploymentList.getMetadata().getResourceVersion()));
        // each watch starts where its list ended, so nothing between the list and the watch is missed
        services = client.services().inNamespace(namespace).withField("metadata.namespace", namespace)
                .withResourceVersion(serviceList.getMetadata().getResourceVersion()).watch(new Recorder<Service>());
        deployments = client.apps().deployments().inNamespace(namespace).withField("metadata.namespace", namespace)
                .withResourceVersion(deploymentList.getMetadata().getResourceVersion()).watch(new Recorder<Deployment>());
    }

    /** Whether a request (as a fault rule sees it) is one of the recorder's own. */
    static boolean isRecorder(io.jenkins.plugins.bluegreen.kubesim.FaultRequest request) {
        return request.query().contains(MARKER) || request.query().contains("fieldSelector=metadata.namespace%3D");
    }

    private final class Recorder<T extends HasMetadata> implements Watcher<T> {
        @Override
        public void eventReceived(Action action, T object) {
            if (action == Action.ERROR || action == Action.BOOKMARK) {
                return;
            }
            versions.add(new Version(rv(object), object, action == Action.DELETED));
            latestSeen.merge(key(object), rv(object), Math::max);
        }

        @Override
        public void onClose(WatcherException cause) {
            if (cause != null) {
                broken.add(cause.toString());
            }
        }
    }

    /**
     * Waits until the recorder has seen the current version of every Service and Deployment in the namespace
     * (reading them through {@code reader}), so a check after an operation judges all of it.
     */
    void awaitCaughtUp(KubernetesClient reader) {
        Eventually.until(Duration.ofSeconds(20), () -> {
            if (!broken.isEmpty()) {
                return true; // reported by violations()
            }
            List<HasMetadata> now = new ArrayList<>(reader.services().inNamespace(namespace).list().getItems());
            now.addAll(reader.apps().deployments().inNamespace(namespace).list().getItems());
            return now.stream().allMatch(o -> latestSeen.getOrDefault(key(o), -1L) >= rv(o));
        });
    }

    /** The observed history, oldest first, starting with the state when recording began. */
    List<Version> history() {
        List<Version> all = new ArrayList<>();
        initial.forEach(o -> all.add(new Version(rv(o), o, false)));
        List<Version> later = new ArrayList<>(versions);
        later.sort(Comparator.comparingLong(Version::resourceVersion));
        all.addAll(later);
        return all;
    }

    long startVersion() {
        return startVersion;
    }

    List<String> brokenWatches() {
        return List.copyOf(broken);
    }

    /** The latest version of each object in the history, for readable failure messages. */
    Map<String, HasMetadata> latest() {
        Map<String, HasMetadata> latest = new HashMap<>();
        history().forEach(v -> latest.put(key(v.object()), v.object()));
        return latest;
    }

    @Override
    public void close() {
        services.close();
        deployments.close();
    }

    KubernetesClient client() {
        return client;
    }

    static String key(HasMetadata o) {
        return o.getKind() + "/" + o.getMetadata().getName();
    }

    static long rv(HasMetadata o) {
        return rv(o.getMetadata().getResourceVersion());
    }

    private static long rv(String resourceVersion) {
        try {
            return resourceVersion == null ? -1 : Long.parseLong(resourceVersion);
        } catch (NumberFormatException e) {
            throw new AssertionError("kube-sim resourceVersions are numbers; got " + resourceVersion, e);
        }
    }
}
