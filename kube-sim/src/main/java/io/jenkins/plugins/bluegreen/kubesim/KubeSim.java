package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An embedded Kubernetes API server for tests, benchmarks and demos: real HTTP(S) on 127.0.0.1,
 * fabric8's CRUD store behind it, and simulated controllers (Deployment → ReplicaSet → pods,
 * Endpoints/EndpointSlices) so rollouts progress as on a cluster. kubectl and the fabric8 client
 * work against it.
 *
 * <pre>{@code
 * try (KubeSim sim = KubeSim.builder().readyDelay(Duration.ofMillis(300)).build().start();
 *      KubernetesClient client = sim.newClient()) { ... }
 * }</pre>
 */
public final class KubeSim implements AutoCloseable {

    /** Settings of a sim; {@link #build()} makes a sim that is not started yet. */
    public static final class Builder {
        private int port;
        private boolean https;
        private Duration readyDelay = Duration.ofMillis(300);
        private Duration specSecond = Duration.ofSeconds(1);
        private int watchHistory = 10_000;
        private boolean rbac;

        private Builder() {}

        /**
         * Authenticate bearer tokens and enforce RBAC (Role, RoleBinding, ClusterRole, ClusterRoleBinding objects in
         * the store) on every request, as a real API server does; off by default. See {@link Rbac}: tokens come from
         * {@link KubeSim#rbac()}, the default client and kubeconfig use the administrator's token.
         */
        public Builder rbac(boolean enforce) {
            this.rbac = enforce;
            return this;
        }

        /** The port to listen on, 0 (the default) for a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Serve HTTPS with a fresh self-signed certificate (the kubeconfig carries its CA data). */
        public Builder https(boolean https) {
            this.https = https;
            return this;
        }

        /** How long a normal pod takes from creation to Ready (default 300 ms). */
        public Builder readyDelay(Duration readyDelay) {
            this.readyDelay = Objects.requireNonNull(readyDelay);
            return this;
        }

        /**
         * Wall-clock length of one second in spec fields minReadySeconds and progressDeadlineSeconds
         * (default one second). Shorten it to make deadline tests fast.
         */
        public Builder specSecond(Duration specSecond) {
            this.specSecond = Objects.requireNonNull(specSecond);
            return this;
        }

        /** How many past events watches can resume from before getting 410 Gone (default 10000). */
        public Builder watchHistory(int events) {
            this.watchHistory = events;
            return this;
        }

        public KubeSim build() {
            return new KubeSim(this);
        }
    }

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Builder settings;
    private final ResourceTypes types = new ResourceTypes();
    private final SimStore store = new SimStore();
    private final ClusterCache cache = new ClusterCache();
    private final WatchHub hub;
    private final RequestCounters counters = new RequestCounters();
    private final FaultRules faults;
    private final PodScripts scripts = new PodScripts();
    private final ImageRegistry images = new ImageRegistry();
    private final ControllerLoop loop;
    private final PodLifecycle lifecycle;
    private final EndpointsController endpoints;
    private final EventRecorder events;
    private final AtomicInteger namespaces = new AtomicInteger();
    private final Rbac rbac;
    private Vertx vertx;
    private ExecutorService workers;
    private ApiServer server;
    private TlsMaterial tls;
    private int port = -1;

    private KubeSim(Builder b) {
        this.settings = b;
        int id = INSTANCES.incrementAndGet();
        this.hub = new WatchHub(b.watchHistory);
        this.faults = new FaultRules(hub::dropAll);
        this.rbac = new Rbac(b.rbac, store);
        this.loop = new ControllerLoop("kube-sim-" + id + "-controllers");
        SimSettings timing = new SimSettings(b.readyDelay, b.specSecond);
        StoreWriter writer = new StoreWriter(store, types);
        this.events = new EventRecorder(writer, loop);
        this.lifecycle = new PodLifecycle(cache, writer, loop, scripts, images, timing, events);
        ReplicaSetController replicaSets =
                new ReplicaSetController(cache, writer, loop, lifecycle, scripts, timing, events);
        DeploymentController deployments = new DeploymentController(cache, writer, loop, lifecycle, timing, events);
        this.endpoints = new EndpointsController(cache, writer, loop);
        GarbageCollector gc = new GarbageCollector(cache, writer, store, types, loop);
        store.addListener(new Controllers(cache, lifecycle, replicaSets, deployments, endpoints, gc));
        store.addListener(events::onEvent);
        store.addListener(hub::publish);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts serving; returns this. */
    public synchronized KubeSim start() {
        if (server != null) {
            return this;
        }
        createNamespace("default");
        AtomicInteger threads = new AtomicInteger();
        workers = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kube-sim-api-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        vertx = Vertx.vertx(
                new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(2).setBlockedThreadCheckInterval(10_000));
        tls = settings.https ? TlsMaterial.selfSigned() : null;
        server = new ApiServer(vertx, store, hub, cache, types, faults, counters, new Defaults(cache), rbac, workers);
        port = server.start(settings.port, tls);
        return this;
    }

    /** The API server URL, e.g. {@code http://127.0.0.1:41234}. */
    public String url() {
        return (settings.https ? "https" : "http") + "://127.0.0.1:" + port();
    }

    public int port() {
        if (port < 0) {
            throw new IllegalStateException("kube-sim is not started");
        }
        return port;
    }

    /** A fabric8 client (OkHttp) for this sim in namespace {@code default}; the caller closes it. */
    public KubernetesClient newClient() {
        return newClient("default");
    }

    /** A fabric8 client (OkHttp) for this sim in the given namespace; the caller closes it. */
    public KubernetesClient newClient(String namespace) {
        return newClient(namespace, Rbac.ADMIN_TOKEN);
    }

    /** A fabric8 client that authenticates with {@code token} (see {@link #rbac()}); the caller closes it. */
    public KubernetesClient newClient(String namespace, String token) {
        ConfigBuilder config = new ConfigBuilder(Config.empty())
                .withMasterUrl(url())
                .withNamespace(namespace)
                .withOauthToken(token);
        if (tls != null) {
            config.withCaCertData(tls.certificateBase64());
        }
        return new KubernetesClientBuilder()
                .withConfig(config.build())
                .withHttpClientFactory(new OkHttpClientFactory())
                .build();
    }

    /** A kubeconfig for this sim: cluster, user and context all named {@code kube-sim}, namespace default. */
    public String kubeconfig() {
        return kubeconfig(Rbac.ADMIN_TOKEN);
    }

    /** {@link #kubeconfig()} whose user authenticates with {@code token} (see {@link #rbac()}). */
    public String kubeconfig(String token) {
        String ca = tls == null ? "" : "    certificate-authority-data: " + tls.certificateBase64() + "\n";
        return "apiVersion: v1\n"
                + "kind: Config\n"
                + "clusters:\n"
                + "- name: kube-sim\n"
                + "  cluster:\n"
                + "    server: " + url() + "\n"
                + ca
                + "users:\n"
                + "- name: kube-sim\n"
                + "  user:\n"
                + "    token: " + token + "\n"
                + "contexts:\n"
                + "- name: kube-sim\n"
                + "  context:\n"
                + "    cluster: kube-sim\n"
                + "    user: kube-sim\n"
                + "    namespace: default\n"
                + "current-context: kube-sim\n";
    }

    public void writeKubeconfig(Path path) {
        writeKubeconfig(path, Rbac.ADMIN_TOKEN);
    }

    /** Writes {@link #kubeconfig(String)} to {@code path}. */
    public void writeKubeconfig(Path path, String token) {
        try {
            if (path.getParent() != null) {
                Files.createDirectories(path.getParent());
            }
            Files.writeString(path, kubeconfig(token), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public FaultRules faults() {
        return faults;
    }

    public RequestCounters requests() {
        return counters;
    }

    public PodScripts scripts() {
        return scripts;
    }

    /** Which digest each image tag resolves to when a pod starts; {@link ImageRegistry#push} is a retag. */
    public ImageRegistry images() {
        return images;
    }

    /** Tokens and authorization decisions; enforced only when built with {@link Builder#rbac(boolean)}. */
    public Rbac rbac() {
        return rbac;
    }

    /** Calls the listener (on the controller thread) each time kube-sim marks a pod Ready. */
    public void onPodReady(Consumer<PodReadyEvent> listener) {
        lifecycle.onPodReady(listener);
    }

    /**
     * Calls the listener (on the controller thread) each time kube-sim stores a crash-looping status
     * for a pod ({@code crash-loop}, {@code crash-after}): the moment a client can first see it fail.
     */
    public void onPodCrash(Consumer<PodCrashEvent> listener) {
        lifecycle.onPodCrash(listener);
    }

    /** Creates a namespace in-process (not counted as a request); no-op if it exists. */
    public void createNamespace(String name) {
        store.call(
                HttpMethod.POST,
                "/api/v1/namespaces",
                "application/json",
                "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\",\"labels\":"
                        + "{\"kubernetes.io/metadata.name\":\"" + name
                        + "\"}},\"spec\":{\"finalizers\":[\"kubernetes\"]},"
                        + "\"status\":{\"phase\":\"Active\"}}");
    }

    /** Creates a fresh namespace with a unique name and returns the name. */
    public String newNamespace() {
        String name = "test-" + namespaces.incrementAndGet() + "-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        createNamespace(name);
        return name;
    }

    /**
     * Empties the store (namespace default is recreated), and clears fault rules, request counters
     * and pod scripts. Deletions are published, so open watches and informers see them.
     */
    public void reset() {
        faults.clear();
        loop.call(() -> {
            for (String json : store.allObjects()) {
                JsonNode o = Serialization.unmarshal(json, JsonNode.class);
                String ns = o.path("metadata").path("namespace").asText(null);
                types.findByKind(o.path("apiVersion").asText(), o.path("kind").asText())
                        .ifPresent(t -> store.call(
                                HttpMethod.DELETE,
                                t.objectPath(ns, o.path("metadata").path("name").asText()),
                                null,
                                null));
            }
            store.reset();
            cache.clear();
            endpoints.forget();
            events.forget();
            createNamespace("default");
            return null;
        });
        scripts.clear();
        images.clear();
        counters.reset();
    }

    /** How many watches are open right now (fault tests wait on this). */
    public int openWatches() {
        return hub.openCount();
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            loop.close();
            return;
        }
        hub.endAll();
        server.stop();
        loop.close();
        workers.shutdownNow();
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            // closing anyway
        }
        server = null;
    }

    List<String> storedObjects() {
        return store.allObjects();
    }
}
