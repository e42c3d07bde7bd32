package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** Seeds apps into a kube-sim namespace and snapshots the namespace for "nothing changed" assertions. */
final class SimApps {
    static final String COLOR = BlueGreenSettings.DEFAULT_COLOR_LABEL_KEY;
    static final String HOLDER = "https://ci.example/job/shop/42/";

    private final KubernetesClient client;
    private final String namespace;

    SimApps(KubernetesClient client, String namespace) {
        this.client = client;
        this.namespace = namespace;
    }

    String namespace() {
        return namespace;
    }

    /** An app already under blue-green: {@code <app>-<color>} ready behind Service {@code app}. */
    void seedLive(String app, Color color, int replicas, String image) {
        Map<String, String> labels = Map.of("app", app, COLOR, color.label());
        Deployment d = new DeploymentBuilder(TestObjects.deployment(app + "-" + color.label(), labels, replicas, image))
                .editMetadata()
                .addToAnnotations(StateKeys.REVISION, tag(image))
                .addToAnnotations(StateKeys.DEPLOYED_AT, "2026-01-01T00:00:00Z")
                .endMetadata()
                .build();
        client.apps().deployments().inNamespace(namespace).resource(d).create();
        Service s = new ServiceBuilder(TestObjects.service(app, labels))
                .editMetadata()
                .addToAnnotations(StateKeys.ACTIVE_COLOR, color.label())
                .endMetadata()
                .build();
        client.services().inNamespace(namespace).resource(s).create();
        awaitComplete(d.getMetadata().getName());
    }

    /** The seed scenario: {@code <app>-v1} behind Service {@code app} selecting app + version, no colours. */
    void seedUnadopted(String app, int replicas, String image) {
        Map<String, String> labels = Map.of("app", app, "version", "v1");
        client.apps()
                .deployments()
                .inNamespace(namespace)
                .resource(TestObjects.deployment(app + "-v1", labels, replicas, image))
                .create();
        client.services()
                .inNamespace(namespace)
                .resource(TestObjects.service(app, labels))
                .create();
        awaitComplete(app + "-v1");
    }

    Deployment awaitComplete(String deployment) {
        return client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(deployment)
                .waitUntilCondition(d -> d != null && new DeploymentView(d).rolloutComplete(), 20, TimeUnit.SECONDS);
    }

    Deployment deployment(String name) {
        return client.apps().deployments().inNamespace(namespace).withName(name).get();
    }

    Service service(String name) {
        return client.services().inNamespace(namespace).withName(name).get();
    }

    Map<String, String> selector(String service) {
        return service(service).getSpec().getSelector();
    }

    /** Every object in the namespace, resourceVersion included: equal dumps mean nothing was written. */
    String dump() {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(client.services().inNamespace(namespace).list().getItems());
        all.addAll(client.apps().deployments().inNamespace(namespace).list().getItems());
        all.addAll(client.apps().replicaSets().inNamespace(namespace).list().getItems());
        all.addAll(client.pods().inNamespace(namespace).list().getItems());
        all.addAll(client.leases().inNamespace(namespace).list().getItems());
        all.addAll(client.configMaps().inNamespace(namespace).list().getItems());
        all.addAll(client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .list()
                .getItems());
        return all.stream()
                .sorted(Comparator.comparing((HasMetadata h) -> h.getKind())
                        .thenComparing(h -> h.getMetadata().getName()))
                .map(h -> client.getKubernetesSerialization().asJson(h))
                .collect(Collectors.joining("\n"));
    }

    /** A dump once the simulated controllers have settled (two equal dumps in a row). */
    String quietDump() {
        String previous = dump();
        for (int i = 0; i < 50; i++) {
            sleep(Duration.ofMillis(150));
            String current = dump();
            if (current.equals(previous)) {
                return current;
            }
            previous = current;
        }
        throw new AssertionError("namespace " + namespace + " never settled");
    }

    /** The lines (objects) of {@code after} that are not in {@code before}, for readable failure messages. */
    static String changedObjects(String before, String after) {
        java.util.Set<String> old = new java.util.HashSet<>(List.of(before.split("\n")));
        return java.util.Arrays.stream(after.split("\n"))
                .filter(line -> !old.contains(line))
                .collect(Collectors.joining("\n"));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static String tag(String image) {
        return image.substring(image.lastIndexOf(':') + 1);
    }

    static Duration seconds(long s) {
        return Duration.ofSeconds(s);
    }
}
