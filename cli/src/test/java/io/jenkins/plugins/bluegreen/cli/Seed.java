package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Test fixtures on kube-sim: the seed scenario in small, and a dump of a namespace to prove nothing changed. */
final class Seed {

    static final String APP = "myapp";
    static final String V1 = "example.org/myapp:1.0";
    static final String V2 = "example.org/myapp:2.0";

    private Seed() {}

    /** Service {@code myapp} selecting app=myapp,version=v1 and Deployment myapp-v1, as in the demo; waits until ready. */
    static void seed(KubernetesClient client, String ns, int replicas) {
        seed(client, ns, replicas, APP);
    }

    /** The seed with the live Service named {@code service} instead of after the app. */
    static void seed(KubernetesClient client, String ns, int replicas, String service) {
        Map<String, String> labels = Map.of("app", APP, "version", "v1");
        client.services()
                .inNamespace(ns)
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName(service)
                        .withLabels(Map.of("app", APP))
                        .endMetadata()
                        .withNewSpec()
                        .withSelector(labels)
                        .addNewPort()
                        .withName("http")
                        .withPort(80)
                        .withNewTargetPort(8080)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(APP + "-v1")
                        .withLabels(labels)
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
                        .withName(APP)
                        .withImage(V1)
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        client.apps()
                .deployments()
                .inNamespace(ns)
                .withName(APP + "-v1")
                .waitUntilCondition(
                        d -> d != null
                                && d.getStatus() != null
                                && Integer.valueOf(replicas)
                                        .equals(d.getStatus().getReadyReplicas()),
                        30,
                        TimeUnit.SECONDS);
    }

    /**
     * {@link #dump} once the simulated controllers have stopped writing (two dumps 300 ms apart agree), so a later
     * difference can only come from what a test did in between.
     */
    static String quiescentDump(KubernetesClient client, String ns) throws InterruptedException {
        String previous = dump(client, ns);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            Thread.sleep(300);
            String current = dump(client, ns);
            if (current.equals(previous)) {
                return current;
            }
            previous = current;
        }
        throw new IllegalStateException("namespace " + ns + " kept changing for 15 s");
    }

    /**
     * Every object in the namespace that the engine or the simulated controllers could touch, serialized with its
     * resourceVersion, in a stable order: equal dumps mean nothing was written.
     */
    static String dump(KubernetesClient client, String ns) {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(client.services().inNamespace(ns).list().getItems());
        all.addAll(client.endpoints().inNamespace(ns).list().getItems());
        all.addAll(client.apps().deployments().inNamespace(ns).list().getItems());
        all.addAll(client.apps().replicaSets().inNamespace(ns).list().getItems());
        all.addAll(client.pods().inNamespace(ns).list().getItems());
        all.addAll(client.configMaps().inNamespace(ns).list().getItems());
        all.addAll(client.leases().inNamespace(ns).list().getItems());
        all.addAll(client.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .list()
                .getItems());
        all.sort(Comparator.comparing((HasMetadata o) -> o.getKind())
                .thenComparing(o -> o.getMetadata().getName()));
        StringBuilder text = new StringBuilder();
        for (HasMetadata o : all) {
            text.append(client.getKubernetesSerialization().asJson(o)).append('\n');
        }
        return text.toString();
    }
}
