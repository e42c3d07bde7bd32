package io.jenkins.plugins.bluegreen.bench;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreenSettings;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One kube-sim with fixed controller delays, the client the engine uses, and the app seeding every benchmark needs:
 * an app already under blue-green (blue live behind its Service). Seeding is set-up, never measured.
 */
final class BenchCluster implements AutoCloseable {
    static final String COLOR_KEY = BlueGreenSettings.DEFAULT_COLOR_LABEL_KEY;

    private final KubeSim sim;
    private final KubernetesClient client;
    private final Duration readyDelay;

    private BenchCluster(KubeSim sim, Duration readyDelay) {
        this.sim = sim;
        this.readyDelay = readyDelay;
        this.client = sim.newClient();
    }

    static BenchCluster start(Duration readyDelay) {
        return new BenchCluster(
                KubeSim.builder().port(0).readyDelay(readyDelay).build().start(), readyDelay);
    }

    KubeSim sim() {
        return sim;
    }

    KubernetesClient client() {
        return client;
    }

    Duration readyDelay() {
        return readyDelay;
    }

    Path writeKubeconfig(Path path) {
        sim.writeKubeconfig(path);
        return path;
    }

    /** A fresh namespace holding {@code app}: {@code <app>-blue} ready with {@code replicas}, Service selecting blue. */
    String seedLiveApp(String app, int replicas, String image) {
        String namespace = sim.newNamespace();
        seedLiveApp(namespace, app, replicas, image);
        return namespace;
    }

    /** Like {@link #seedLiveApp(String, int, String)} in an existing namespace (many apps side by side). */
    void seedLiveApp(String namespace, String app, int replicas, String image) {
        createLiveApp(namespace, app, replicas, image);
        awaitRolledOut(namespace, app + "-blue", Duration.ofMinutes(5));
    }

    /** Seeds many apps in one namespace; their pods start in parallel, so this takes one ready delay, not many. */
    void seedLiveApps(String namespace, java.util.List<String> apps, int replicas, String image) {
        apps.forEach(app -> createLiveApp(namespace, app, replicas, image));
        apps.forEach(app -> awaitRolledOut(namespace, app + "-blue", Duration.ofMinutes(5)));
    }

    private void createLiveApp(String namespace, String app, int replicas, String image) {
        Map<String, String> labels = Map.of("app", app, COLOR_KEY, "blue");
        Deployment blue = new DeploymentBuilder()
                .withNewMetadata()
                .withName(app + "-blue")
                .withNamespace(namespace)
                .withLabels(labels)
                .addToAnnotations("bluegreen.jenkins.io/revision", image.substring(image.indexOf(':') + 1))
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
        client.apps().deployments().inNamespace(namespace).resource(blue).create();
        Service service = new ServiceBuilder()
                .withNewMetadata()
                .withName(app)
                .withNamespace(namespace)
                .addToAnnotations("bluegreen.jenkins.io/active-color", "blue")
                .endMetadata()
                .withNewSpec()
                .withSelector(labels)
                .addNewPort()
                .withPort(80)
                .withTargetPort(new IntOrString(8080))
                .endPort()
                .endSpec()
                .build();
        client.services().inNamespace(namespace).resource(service).create();
    }

    /** Waits (set-up only) until a Deployment reports every replica updated, ready and available. */
    void awaitRolledOut(String namespace, String deployment, Duration timeout) {
        client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(deployment)
                .waitUntilCondition(BenchCluster::rolledOut, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    static boolean rolledOut(Deployment d) {
        if (d == null || d.getStatus() == null || d.getSpec() == null) {
            return false;
        }
        int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
        var s = d.getStatus();
        return Objects.equals(s.getObservedGeneration(), d.getMetadata().getGeneration())
                && value(s.getUpdatedReplicas()) == want
                && value(s.getReadyReplicas()) == want
                && value(s.getAvailableReplicas()) == want
                && value(s.getReplicas()) == want;
    }

    private static int value(Integer i) {
        return i == null ? 0 : i;
    }

    /** Deletes a namespace's objects in-process so later benchmarks do not pay for earlier ones' pods. */
    void forget(String namespace) {
        client.apps().deployments().inNamespace(namespace).delete();
        client.services().inNamespace(namespace).delete();
        client.leases().inNamespace(namespace).delete();
    }

    @Override
    public void close() {
        client.close();
        sim.close();
    }
}
