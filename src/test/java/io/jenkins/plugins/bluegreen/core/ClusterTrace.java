package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Every version of the Services and Deployments of one namespace, as watches deliver them while a test runs, so the
 * serving invariants (docs/reliability.md) can be checked at every moment of a release and not only at its end: a
 * serving colour that was scaled to zero and scaled back up a moment later leaves no trace in the final state, but it
 * does here.
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
    record Version(long resourceVersion, HasMetadata object, boolean deleted) {}

    private final KubernetesClient client;
    private final String namespace;
    private final List<Version> versions = new CopyOnWriteArrayList<>();
    private final Map<String, Long> latestSeen = new ConcurrentHashMap<>();
    private final Set<String> gone = ConcurrentHashMap.newKeySet();
    private final List<String> broken = new CopyOnWriteArrayList<>();
    private final List<HasMetadata> initial = new ArrayList<>();
    private final long startVersion;
    private final Stream<Service> services;
    private final Stream<Deployment> deployments;
    private final Stream<io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice> slices;
    private final Stream<io.fabric8.kubernetes.api.model.Pod> pods;
    private volatile boolean closed;
    private final ScheduledFuture<?> refresher;

    ClusterTrace(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
        services = new Stream<>("Service", () -> client.services().inNamespace(namespace));
        deployments =
                new Stream<>("Deployment", () -> client.apps().deployments().inNamespace(namespace));
        // the endpoints and the pods too: what users get is judged from the EndpointSlices against the pods
        slices = new Stream<>(
                "EndpointSlice", () -> client.discovery().v1().endpointSlices().inNamespace(namespace));
        pods = new Stream<>("Pod", () -> client.pods().inNamespace(namespace));
        String servicesListed = services.list(true);
        String deploymentsListed = deployments.list(true);
        String slicesListed = slices.list(true);
        String podsListed = pods.list(true);
        startVersion = Math.max(
                Math.max(rv(servicesListed), rv(deploymentsListed)), Math.max(rv(slicesListed), rv(podsListed)));
        // each watch starts where its list ended, so nothing between the list and the watch is missed
        services.watchFrom(servicesListed);
        deployments.watchFrom(deploymentsListed);
        slices.watchFrom(slicesListed);
        pods.watchFrom(podsListed);
        refresher = REFRESH.scheduleWithFixedDelay(
                () -> {
                    services.refresh();
                    deployments.refresh();
                    slices.refresh();
                    pods.refresh();
                },
                300,
                300,
                TimeUnit.MILLISECONDS);
    }

    /** One thread refreshes every recorder's watches ({@link Stream#refresh}). */
    private static final ScheduledExecutorService REFRESH = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-trace-refresh");
        t.setDaemon(true);
        return t;
    });

    /** Whether a request (as a fault rule sees it) is one of the recorder's own. */
    static boolean isRecorder(io.jenkins.plugins.bluegreen.kubesim.FaultRequest request) {
        return request.query().contains(MARKER) || request.query().contains("fieldSelector=metadata.namespace%3D");
    }

    /**
     * The watch of one kind. kube-sim sends no bookmarks, so a watch on a quiet namespace keeps an old
     * resourceVersion; when it is dropped (faults().dropWatches() drops every watch of the sim) and that version has
     * left the sim's bounded history, the reconnect gets 410 Gone. Then the kind is listed again: if every object is
     * at the version last seen (nothing happened while disconnected, the usual case for a quiet namespace), watching
     * resumes from the list; otherwise versions were missed and the trace says it is incomplete.
     */
    private final class Stream<T extends HasMetadata> implements Watcher<T> {
        private final String kind;
        private final Supplier<? extends NonNamespaceOperation<T, ?, ?>> operation;
        private volatile Watch watch;

        Stream(String kind, Supplier<? extends NonNamespaceOperation<T, ?, ?>> op) {
            this.kind = kind;
            this.operation = op;
        }

        /** Lists the kind; the first time it is the initial state, later it checks that nothing was missed. */
        @SuppressWarnings("unchecked") // every list of T is a KubernetesResourceList<T>
        private KubernetesResourceList<T> listNow() {
            // the no-op field selector marks the request as the recorder's, so fault rules leave it alone
            return (KubernetesResourceList<T>)
                    operation.get().withField("metadata.namespace", namespace).list();
        }

        String list(boolean first) {
            KubernetesResourceList<T> list = listNow();
            Set<String> listed = new HashSet<>();
            for (T o : list.getItems()) {
                String key = key(o);
                listed.add(key);
                if (first) {
                    initial.add(o);
                    latestSeen.merge(key, rv(o), Math::max);
                } else if (latestSeen.getOrDefault(key, -1L) != rv(o)) {
                    broken.add(kind + " " + o.getMetadata().getName() + " changed while the recorder was disconnected");
                }
            }
            if (!first) {
                latestSeen.keySet().stream()
                        .filter(k -> k.startsWith(kind + "/") && !listed.contains(k) && !gone.contains(k))
                        .forEach(k -> broken.add(k + " was deleted while the recorder was disconnected"));
            }
            return list.getMetadata().getResourceVersion();
        }

        /**
         * Moves the watch up to now while nothing is happening, so that its resourceVersion never falls out of the
         * sim's history: lists, and if every object is at the version already seen (no event on its way), opens a new
         * watch from the list's version and closes the old one. An event seen on both is recorded twice, harmlessly.
         */
        synchronized void refresh() {
            if (closed) {
                return;
            }
            try {
                KubernetesResourceList<T> list = listNow();
                Set<String> listed = new HashSet<>();
                for (T o : list.getItems()) {
                    if (latestSeen.getOrDefault(key(o), -1L) != rv(o)) {
                        return; // its event is on the way: try again later
                    }
                    listed.add(key(o));
                }
                if (latestSeen.keySet().stream()
                        .anyMatch(k -> k.startsWith(kind + "/") && !listed.contains(k) && !gone.contains(k))) {
                    return; // a deletion is on the way
                }
                Watch old = watch;
                watchFrom(list.getMetadata().getResourceVersion());
                old.close();
            } catch (RuntimeException e) {
                // the next refresh tries again; a gap would still be caught on a 410
            }
        }

        void watchFrom(String resourceVersion) {
            watch = operation
                    .get()
                    .withField("metadata.namespace", namespace)
                    .withResourceVersion(resourceVersion)
                    .watch(this);
        }

        @Override
        public void eventReceived(Action action, T object) {
            if (action == Action.ERROR || action == Action.BOOKMARK) {
                return;
            }
            versions.add(new Version(rv(object), object, action == Action.DELETED));
            latestSeen.merge(key(object), rv(object), Math::max);
            if (action == Action.DELETED) {
                gone.add(key(object));
            }
        }

        @Override
        public void onClose(WatcherException cause) {
            if (cause == null || closed) {
                return;
            }
            if (!cause.isHttpGone()) {
                broken.add(cause.toString());
                return;
            }
            CompletableFuture.runAsync(this::restartAfterGone); // off fabric8's thread: listing and watching block
        }

        private synchronized void restartAfterGone() {
            try {
                watchFrom(list(false));
            } catch (RuntimeException e) {
                broken.add(kind + " watch could not be restarted after 410: " + e);
            }
        }

        void close() {
            Watch w = watch;
            if (w != null) {
                w.close();
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
                return true; // reported by brokenWatches()
            }
            List<HasMetadata> now = new ArrayList<>(
                    reader.services().inNamespace(namespace).list().getItems());
            now.addAll(reader.apps().deployments().inNamespace(namespace).list().getItems());
            return now.stream().allMatch(o -> latestSeen.getOrDefault(key(o), -1L) >= rv(o));
        });
    }

    /** The observed history, oldest first, starting with the state when recording began. */
    List<Version> history() {
        List<Version> all = new ArrayList<>();
        // the initial lists come kind by kind; each object was already in that version from its resourceVersion on,
        // so in resourceVersion order they are a true history (a Service listed first may be newer than the
        // Deployment it selects, and must not be judged before that Deployment is seen)
        initial.forEach(o -> all.add(new Version(rv(o), o, false)));
        all.sort(Comparator.comparingLong(Version::resourceVersion));
        List<Version> later = new ArrayList<>(versions);
        later.sort(Comparator.comparingLong(Version::resourceVersion));
        all.addAll(later);
        return all;
    }

    /** One line per observed version, for a failure report: what a person would want to see to understand it. */
    String timeline() {
        StringBuilder out = new StringBuilder();
        for (Version v : history()) {
            HasMetadata o = v.object();
            out.append("    rv ")
                    .append(v.resourceVersion())
                    .append(' ')
                    .append(key(o))
                    .append(v.deleted() ? " DELETED" : "");
            if (o instanceof Service service) {
                out.append(" selector=").append(service.getSpec().getSelector());
            } else if (o instanceof Deployment d) {
                var status = d.getStatus();
                out.append(" gen=")
                        .append(d.getMetadata().getGeneration())
                        .append(" replicas=")
                        .append(d.getSpec().getReplicas())
                        .append(" image=")
                        .append(d.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .get(0)
                                .getImage());
                if (status != null) {
                    out.append(" status[observed=")
                            .append(status.getObservedGeneration())
                            .append(" total=")
                            .append(status.getReplicas())
                            .append(" updated=")
                            .append(status.getUpdatedReplicas())
                            .append(" ready=")
                            .append(status.getReadyReplicas())
                            .append(" available=")
                            .append(status.getAvailableReplicas())
                            .append(']');
                }
            }
            if (o instanceof io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice slice) {
                out.append(" endpoints=")
                        .append(
                                slice.getEndpoints() == null
                                        ? "[]"
                                        : slice.getEndpoints().stream()
                                                .map(e -> (e.getTargetRef() == null
                                                                ? "?"
                                                                : e.getTargetRef()
                                                                        .getName())
                                                        + (Boolean.TRUE.equals(e.getConditions()
                                                                        .getReady())
                                                                ? ""
                                                                : "(not ready)"))
                                                .toList());
            }
            out.append('\n');
        }
        return out.toString();
    }

    long startVersion() {
        return startVersion;
    }

    List<String> brokenWatches() {
        return List.copyOf(broken);
    }

    @Override
    public void close() {
        closed = true;
        refresher.cancel(false);
        services.close();
        deployments.close();
        slices.close();
        pods.close();
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
