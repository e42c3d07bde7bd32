package io.jenkins.plugins.bluegreen.plugin;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The plugin's tests' view of a kube-sim: a runtime whose credentials store knows one kubeconfig credential for it
 * ({@link #CREDENTIALS_ID}, with a planted token), apps seeded under blue-green, and steps started with a test
 * context.
 */
final class PluginSim implements AutoCloseable {
    static final String CREDENTIALS_ID = "kube-sim";
    /** Planted in the kubeconfig credential: must never reach the console or a message. */
    static final String TOKEN = "planted-secret-token-7f3a9c";

    static final String COLOR = "bluegreen.jenkins.io/color";

    final KubeSim sim;
    final KubernetesClient client;
    final Map<String, com.cloudbees.plugins.credentials.common.StandardCredentials> credentials = new HashMap<>();
    private final io.jenkins.plugins.bluegreen.core.BlueGreenSettings settings;
    /** Survives {@link #restart}, as the controller's file does. */
    private final KeptLocks keptLocks = new KeptLocks();

    private BlueGreenRuntime runtime;

    PluginSim(KubeSim sim, KubernetesClient client) {
        this(sim, client, io.jenkins.plugins.bluegreen.core.BlueGreenSettings.defaults());
    }

    /** With core settings of the test's choosing (e.g. a lease of seconds, so its renewal can be watched). */
    PluginSim(KubeSim sim, KubernetesClient client, io.jenkins.plugins.bluegreen.core.BlueGreenSettings settings) {
        this.sim = sim;
        this.client = client;
        this.settings = settings;
        credentials.put(CREDENTIALS_ID, new FakeCredentials.File(CREDENTIALS_ID, sim.kubeconfig(TOKEN)));
        runtime = runtime(id -> java.util.Optional.empty());
    }

    private BlueGreenRuntime runtime(BuildLookup builds) {
        return new BlueGreenRuntime(
                new ClusterClients(),
                (id, serverUrl, run) -> credentials.get(id),
                new ClusterConfigResolver(c -> null, () -> false),
                settings,
                keptLocks,
                builds);
    }

    /**
     * A controller restart: the runtime shuts down as at Jenkins' shutdown, a new one starts with what the old one
     * remembered, finding builds with {@code builds}, and resumes what it kept (as its initializer does).
     */
    BlueGreenRuntime restart(BuildLookup builds) {
        runtime.close();
        runtime = runtime(builds);
        runtime.resumeLockKeepers();
        return runtime;
    }

    BlueGreenRuntime runtime() {
        return runtime;
    }

    /** {@code <app>-blue} ready and live behind Service {@code app}. */
    void seedLive(String namespace, String app, int replicas, String image) {
        Map<String, String> labels = Map.of("app", app, COLOR, "blue");
        Deployment d = new DeploymentBuilder()
                .withNewMetadata()
                .withName(app + "-blue")
                .withLabels(labels)
                .addToAnnotations("bluegreen.jenkins.io/revision", image.substring(image.lastIndexOf(':') + 1))
                .addToAnnotations("bluegreen.jenkins.io/deployed-at", "2026-01-01T00:00:00Z")
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(labels)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(labels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
        client.apps().deployments().inNamespace(namespace).resource(d).create();
        Service s = new ServiceBuilder()
                .withNewMetadata()
                .withName(app)
                .addToAnnotations("bluegreen.jenkins.io/active-color", "blue")
                .endMetadata()
                .withNewSpec()
                .withSelector(labels)
                .addNewPort()
                .withPort(80)
                .withNewTargetPort(8080)
                .endPort()
                .endSpec()
                .build();
        client.services().inNamespace(namespace).resource(s).create();
        client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(app + "-blue")
                .waitUntilCondition(
                        x -> x != null
                                && x.getStatus() != null
                                && Integer.valueOf(replicas)
                                        .equals(x.getStatus().getReadyReplicas()),
                        30,
                        TimeUnit.SECONDS);
    }

    String liveColor(String namespace, String app) {
        return client.services()
                .inNamespace(namespace)
                .withName(app)
                .get()
                .getSpec()
                .getSelector()
                .get(COLOR);
    }

    String serviceAnnotation(String namespace, String app, String key) {
        return client.services()
                .inNamespace(namespace)
                .withName(app)
                .get()
                .getMetadata()
                .getAnnotations()
                .get("bluegreen.jenkins.io/" + key);
    }

    Deployment deployment(String namespace, String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    /** The latest background scale-down a switch without waiting handed to the runtime; fails if there is none. */
    java.util.concurrent.CompletableFuture<io.jenkins.plugins.bluegreen.core.ScaleDownResult> scaleDownTask(
            String namespace, String app) {
        return runtime.scaleDowns()
                .latest(namespace, app)
                .orElseThrow(() -> new AssertionError("no background scale-down was started for " + app));
    }

    boolean scaleDownStarted(String namespace, String app) {
        return runtime.scaleDowns().latest(namespace, app).isPresent();
    }

    /** Writes counted by the sim (controllers' own writes are not counted). */
    long writes() {
        return sim.requests().count("POST", "/")
                + sim.requests().count("PUT", "/")
                + sim.requests().count("PATCH", "/")
                + sim.requests().count("DELETE", "/");
    }

    /** Starts a step as Pipeline would, on this sim's runtime; returns its execution. */
    <S extends ClusterStep> ClusterStepExecution<?> start(S step, TestStepContext context) throws Exception {
        return start(runtime, step, context);
    }

    /** Starts a step as Pipeline would, on {@code runtime}; returns its execution. */
    static <S extends ClusterStep> ClusterStepExecution<?> start(
            BlueGreenRuntime runtime, S step, TestStepContext context) throws Exception {
        ClusterStepExecution<?> execution = (ClusterStepExecution<?>) step.start(context);
        execution.useRuntime(runtime);
        boolean sync = execution.start();
        if (sync) {
            throw new AssertionError("the blue-green steps are asynchronous: start() must return false");
        }
        return execution;
    }

    static <S extends ClusterStep> S onSim(S step, String namespace) {
        step.setCredentialsId(CREDENTIALS_ID);
        step.setNamespace(namespace);
        return step;
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
