package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * The watches of one cluster client, shared by every wait in the process: at most one informer per (namespace,
 * kind) — all Deployments of a namespace, all colour-labelled pods of a namespace — however many releases wait at
 * once. Each informer holds one watch connection (with OkHttp, one thread), so what waiting costs grows with the
 * namespaces being waited in, not with the releases. An informer starts with its first subscriber and stops with
 * its last, so nothing is watched while nobody waits.
 *
 * <p>Give the same instance to every {@link BlueGreen} built on the same client ({@link BlueGreen.Builder#watches});
 * {@link ClusterClients} does that for you. Thread-safe.
 */
public final class SharedWatches implements AutoCloseable {
    private record Key(String namespace, String kind, String requiredLabel) {}

    private final KubernetesClient client;
    private final Map<Key, SharedInformer<?>> informers = new HashMap<>();
    private final LeaseWatches leases;
    private boolean closed;

    public SharedWatches(KubernetesClient client) {
        this.client = Objects.requireNonNull(client, "client");
        this.leases = new LeaseWatches(client);
    }

    /** The watches of single Leases, shared by every lock waiter of this client. */
    LeaseWatches leases() {
        return leases;
    }

    KubernetesClient client() {
        return client;
    }

    /** How many informers (watch connections) are running now. */
    public synchronized int activeInformers() {
        return informers.size();
    }

    /** Subscribes to changes of the Deployments of {@code namespace} that {@code interested} accepts. */
    WatchSubscription<Deployment> deployments(String namespace, Predicate<Deployment> interested, Runnable onChange) {
        return subscribe(new Key(namespace, "Deployment", null), interested, onChange);
    }

    /**
     * Subscribes to changes of the pods of {@code namespace} that carry {@code colorLabelKey} (every pod of a colour
     * does: the colour is part of its Deployment's selector) and that {@code interested} accepts.
     */
    WatchSubscription<Pod> pods(String namespace, String colorLabelKey, Predicate<Pod> interested, Runnable onChange) {
        return subscribe(new Key(namespace, "Pod", colorLabelKey), interested, onChange);
    }

    @SuppressWarnings("unchecked")
    private synchronized <T extends HasMetadata> WatchSubscription<T> subscribe(
            Key key, Predicate<T> interested, Runnable onChange) {
        if (closed) {
            throw new IllegalStateException("these shared watches were closed");
        }
        SharedInformer<T> informer = (SharedInformer<T>) informers.get(key);
        WatchSubscription<T> subscription = informer == null ? null : informer.subscribe(interested, onChange);
        if (subscription == null) { // none yet, or the last one just stopped
            informer = new SharedInformer<>(key.namespace(), create(key), stopped -> forget(key, stopped));
            informers.put(key, informer);
            subscription = informer.subscribe(interested, onChange);
        }
        return subscription;
    }

    @SuppressWarnings("unchecked")
    private <T extends HasMetadata> SharedIndexInformer<T> create(Key key) {
        if (key.kind().equals("Deployment")) {
            return (SharedIndexInformer<T>)
                    client.apps().deployments().inNamespace(key.namespace()).runnableInformer(0);
        }
        // an existence selector keeps unrelated workloads' pods out of memory (kube-sim ignores it; harmless)
        SharedIndexInformer<Pod> pods = client.pods()
                .inNamespace(key.namespace())
                .withLabel(key.requiredLabel())
                .runnableInformer(0);
        pods.addIndexers(Map.of(
                SharedInformer.LABEL_INDEX, pod -> labelTerms(pod.getMetadata().getLabels())));
        return (SharedIndexInformer<T>) pods;
    }

    static List<String> labelTerms(Map<String, String> labels) {
        return labels == null
                ? List.of()
                : labels.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue())
                        .toList();
    }

    /** Called by an informer whose last subscriber left, or that failed: the next subscriber starts a fresh one. */
    private synchronized void forget(Key key, SharedInformer<?> stopped) {
        informers.remove(key, stopped);
    }

    /** Stops every informer; waits still subscribed see their watch stop and fail. */
    @Override
    public void close() {
        List<SharedInformer<?>> running;
        synchronized (this) {
            closed = true;
            running = List.copyOf(informers.values());
            informers.clear();
        }
        running.forEach(SharedInformer::stop);
    }
}
