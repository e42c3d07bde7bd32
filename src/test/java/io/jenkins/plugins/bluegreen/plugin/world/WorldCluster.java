package io.jenkins.plugins.bluegreen.plugin.world;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import hudson.util.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.Rbac;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jenkinsci.plugins.plaincredentials.impl.StringCredentialsImpl;

/**
 * The seed scenario on kube-sim, one fresh namespace per test: {@code myapp} v1 live on blue behind Service
 * {@code myapp}, and the Jenkins credential the pipelines use to reach it. Reads what the tests assert on.
 */
final class WorldCluster {
    static final String APP = "myapp";
    static final String CREDENTIALS_ID = "kube-sim-token";
    static final String NEW_IMAGE = "registry.example.com/myapp:2.0";
    static final String COLOR_KEY = "bluegreen.jenkins.io/color";
    private static final String HISTORY_KEY = "bluegreen.jenkins.io/history";
    private static final String ANNOUNCEMENT_KEY = "bluegreen.jenkins.io/deploying";
    private static final String SEED_HOLDER = "world-test-seed";

    private final KubeSim sim;
    private final String namespace;

    private WorldCluster(KubeSim sim, String namespace) {
        this.sim = sim;
        this.namespace = namespace;
    }

    /**
     * {@code myapp-v1} (3 replicas) behind Service {@code myapp}, then adopted by core as the live blue colour —
     * the state after a first release, built with the public engine API so no test depends on core internals.
     */
    static WorldCluster seed(KubeSim sim) {
        String namespace = sim.newNamespace();
        Map<String, String> v1 = Map.of("app", APP, "version", "v1");
        try (KubernetesClient client = sim.newClient(namespace)) {
            client.apps()
                    .deployments()
                    .inNamespace(namespace)
                    .resource(new DeploymentBuilder()
                            .withNewMetadata()
                            .withName(APP + "-v1")
                            .withLabels(v1)
                            .endMetadata()
                            .withNewSpec()
                            .withReplicas(3)
                            .withNewSelector()
                            .withMatchLabels(v1)
                            .endSelector()
                            .withNewTemplate()
                            .withNewMetadata()
                            .withLabels(v1)
                            .endMetadata()
                            .withNewSpec()
                            .addNewContainer()
                            .withName(APP)
                            .withImage("example.org/myapp:1.0")
                            .addNewPort()
                            .withContainerPort(8080)
                            .endPort()
                            .endContainer()
                            .endSpec()
                            .endTemplate()
                            .endSpec()
                            .build())
                    .create();
            client.services()
                    .inNamespace(namespace)
                    .resource(new ServiceBuilder()
                            .withNewMetadata()
                            .withName(APP)
                            .endMetadata()
                            .withNewSpec()
                            .withSelector(v1)
                            .addNewPort()
                            .withName("http")
                            .withPort(80)
                            .withNewTargetPort(8080)
                            .endPort()
                            .endSpec()
                            .build())
                    .create();
            BlueGreen engine = BlueGreen.builder(client).namespace(namespace).build();
            // a bound for the seed, not an assertion: kube-sim readies pods after its ready delay
            engine.adopt(APP, null, SEED_HOLDER, Duration.ofMinutes(2));
            engine.releaseLock(APP, SEED_HOLDER);
        }
        return new WorldCluster(sim, namespace);
    }

    /** A global secret text credential holding kube-sim's administrator token (the pipelines pass serverUrl). */
    void addTokenCredential() throws IOException {
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        store.getCredentials()
                .add(new StringCredentialsImpl(
                        CredentialsScope.GLOBAL,
                        CREDENTIALS_ID,
                        "kube-sim administrator token",
                        Secret.fromString(Rbac.ADMIN_TOKEN)));
        store.save();
    }

    /** The shared cluster parameters, as Groovy named arguments: {@code namespace: '...', serverUrl: ..., ...}. */
    String clusterArgs() {
        return "namespace: '" + namespace + "', serverUrl: '" + sim.url() + "', credentialsId: '" + CREDENTIALS_ID
                + "'";
    }

    String namespace() {
        return namespace;
    }

    Service service() {
        try (KubernetesClient client = sim.newClient(namespace)) {
            return client.services().inNamespace(namespace).withName(APP).get();
        }
    }

    String liveColor() {
        return service().getSpec().getSelector().get(COLOR_KEY);
    }

    /** The Service's release history, newest first, as the JSON objects kubectl shows. */
    /**
     * What decides live traffic: the selector and the history. An abandon may still write the Service — it ends the
     * deploy's {@code deploying} announcement — so "traffic untouched" compares this, not the resourceVersion.
     */
    String traffic() {
        Service service = service();
        return service.getSpec().getSelector() + " "
                + service.getMetadata().getAnnotations().get(HISTORY_KEY);
    }

    /** The deploy announcement on the live Service, or null once a switch or an abandon ended it. */
    String announcement() {
        return service().getMetadata().getAnnotations().get(ANNOUNCEMENT_KEY);
    }

    List<Map<String, Object>> history() throws IOException {
        String json = service().getMetadata().getAnnotations().get(HISTORY_KEY);
        return json == null ? List.of() : new ObjectMapper().readValue(json, new TypeReference<>() {});
    }

    Deployment deployment(String color) {
        try (KubernetesClient client = sim.newClient(namespace)) {
            return client.apps()
                    .deployments()
                    .inNamespace(namespace)
                    .withName(APP + "-" + color)
                    .get();
        }
    }

    /** The holder of the app's deploy lock, or null when nobody holds it (released locks clear the holder). */
    /** The deploy lock's holder, or null when it is free: a released Lease keeps an empty holder (""). */
    String lockHolder() {
        try (KubernetesClient client = sim.newClient(namespace)) {
            Lease lease = client.leases()
                    .inNamespace(namespace)
                    .withName(APP + "-bluegreen")
                    .get();
            String holder = lease == null || lease.getSpec() == null
                    ? null
                    : lease.getSpec().getHolderIdentity();
            return holder == null || holder.isEmpty() ? null : holder;
        }
    }
}
