package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dryRun=All} on create, update, patch (every type) and delete: admitted and checked as a real write (same
 * errors, same resourceVersion conflicts, same RBAC), answered with the object as it would be, and not stored — no
 * watch event, resourceVersion unchanged, no controller reacting.
 */
class DryRunTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    private static final Map<String, String> LABELS = Map.of("app", "web");
    private String ns;
    private KubernetesClient client;

    @BeforeEach
    void namespace() {
        ns = SIM.newNamespace();
        client = SIM.client();
    }

    private static Deployment deployment(String name, String image, int replicas) {
        return new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(LABELS)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(LABELS)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage(image)
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private ConfigMap configMap(String name) {
        return client.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .endMetadata()
                        .addToData("k", "v1")
                        .build())
                .create();
    }

    private String version(ConfigMap cm) {
        return client.configMaps()
                .inNamespace(ns)
                .withName(cm.getMetadata().getName())
                .get()
                .getMetadata()
                .getResourceVersion();
    }

    @Test
    void aDryRunCreateAnswersTheObjectButStoresNothingAndNoControllerActs() {
        Deployment answer = client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(deployment("dry", "web:1", 3))
                .dryRun()
                .create();

        assertThat(answer.getMetadata().getUid()).isNotEmpty();
        assertThat(answer.getMetadata().getResourceVersion()).isNull();
        assertThat(answer.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate"); // defaulted as on a create
        // a real Deployment created after it rolls out; by then the dry one would have had its ReplicaSet long ago
        client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(deployment("real", "web:1", 1))
                .create();
        await(
                Duration.ofSeconds(10),
                "the real Deployment's pod",
                () -> !client.pods().inNamespace(ns).list().getItems().isEmpty());
        assertThat(client.apps().deployments().inNamespace(ns).withName("dry").get())
                .isNull();
        assertThat(client.apps().replicaSets().inNamespace(ns).list().getItems())
                .allSatisfy(rs -> assertThat(rs.getMetadata().getName()).startsWith("real-"));
    }

    @Test
    void aDryRunCreateOfAnExistingObjectIsTheSameConflict() {
        configMap("taken");
        ConfigMap again = new ConfigMapBuilder()
                .withNewMetadata()
                .withName("taken")
                .endMetadata()
                .build();

        KubernetesClientException real = catchFrom(
                () -> client.configMaps().inNamespace(ns).resource(again).create());
        KubernetesClientException dry = catchFrom(() ->
                client.configMaps().inNamespace(ns).resource(again).dryRun().create());

        assertThat(dry.getCode()).isEqualTo(409).isEqualTo(real.getCode());
        assertThat(dry.getStatus().getReason()).isEqualTo("AlreadyExists");
        assertThat(dry.getStatus().getMessage()).isEqualTo(real.getStatus().getMessage());
    }

    @Test
    void aDryRunUpdateAnswersTheChangeAndLeavesTheObjectAndItsVersion() {
        ConfigMap cm = configMap("cm");
        String before = version(cm);

        ConfigMap answer = client.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder(cm).addToData("k", "v2").build())
                .dryRun()
                .update();

        assertThat(answer.getData()).containsEntry("k", "v2");
        assertThat(answer.getMetadata().getResourceVersion()).isEqualTo(before);
        ConfigMap stored = client.configMaps().inNamespace(ns).withName("cm").get();
        assertThat(stored.getData()).containsEntry("k", "v1");
        assertThat(stored.getMetadata().getResourceVersion()).isEqualTo(before);
    }

    @Test
    void aDryRunUpdateWithAStaleResourceVersionIsTheSame409AsARealOne() {
        ConfigMap cm = configMap("cm");
        ConfigMap stale = new ConfigMapBuilder(cm)
                .addToData("k", "v2")
                .editMetadata()
                .withResourceVersion("1")
                .endMetadata()
                .build();

        KubernetesClientException dry = catchFrom(() ->
                client.configMaps().inNamespace(ns).resource(stale).dryRun().update());
        KubernetesClientException real = catchFrom(
                () -> client.configMaps().inNamespace(ns).resource(stale).update());

        assertThat(dry.getCode()).isEqualTo(409).isEqualTo(real.getCode());
        assertThat(dry.getStatus().getMessage()).isEqualTo(real.getStatus().getMessage());
        assertThat(version(cm)).isEqualTo(cm.getMetadata().getResourceVersion());
    }

    @Test
    void everyPatchTypeDryRunsWithoutAWatchEvent() throws Exception {
        Service svc = client.services()
                .inNamespace(ns)
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .endMetadata()
                        .withNewSpec()
                        .withSelector(Map.of("app", "web", "color", "blue"))
                        .addNewPort()
                        .withPort(80)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        String before = svc.getMetadata().getResourceVersion();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch w = client.services()
                .inNamespace(ns)
                .withResourceVersion(before)
                .watch(new Watcher<>() {
                    @Override
                    public void eventReceived(Action action, Service s) {
                        events.add(action + " " + s.getMetadata().getName() + " "
                                + s.getSpec().getSelector());
                    }

                    @Override
                    public void onClose(WatcherException cause) {}
                })) {
            var web = client.services().inNamespace(ns).withName("web");
            String json = "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"" + before + "\"},"
                    + "{\"op\":\"replace\",\"path\":\"/spec/selector/color\",\"value\":\"green\"}]";
            Service byJson = web.dryRun().patch(PatchContext.of(PatchType.JSON), json);
            Service byMerge = web.dryRun()
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"selector\":{\"color\":\"green\"}}}");
            Service byStrategic = web.dryRun()
                    .patch(
                            PatchContext.of(PatchType.STRATEGIC_MERGE),
                            "{\"spec\":{\"selector\":{\"color\":\"green\"}}}");
            Service byApply = web.dryRun()
                    .patch(
                            new PatchContext.Builder()
                                    .withPatchType(PatchType.SERVER_SIDE_APPLY)
                                    .withFieldManager("test")
                                    .withForce(true)
                                    .build(),
                            "{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"web\"},"
                                    + "\"spec\":{\"selector\":{\"color\":\"green\"}}}");
            for (Service answer : List.of(byJson, byMerge, byStrategic, byApply)) {
                assertThat(answer.getSpec().getSelector()).containsEntry("color", "green");
                assertThat(answer.getMetadata().getResourceVersion()).isEqualTo(before);
            }
            // a failing test operation: the same 422 as the real patch
            String stale = json.replace(before, "1");
            KubernetesClientException dry = catchFrom(() -> web.dryRun().patch(PatchContext.of(PatchType.JSON), stale));
            KubernetesClientException real = catchFrom(() -> web.patch(PatchContext.of(PatchType.JSON), stale));
            assertThat(dry.getCode()).isEqualTo(422).isEqualTo(real.getCode());
            assertThat(dry.getStatus().getMessage()).isEqualTo(real.getStatus().getMessage());

            // the first event the watch sees is the real write that follows
            client.services().inNamespace(ns).withName("web").edit(s -> new ServiceBuilder(s)
                    .editSpec()
                    .addToSelector("marker", "real")
                    .endSpec()
                    .build());
            await(Duration.ofSeconds(10), "the real write's event", () -> !events.isEmpty());
            assertThat(events.get(0))
                    .startsWith("MODIFIED web")
                    .contains("marker=real")
                    .contains("color=blue");
        }
        assertThat(client.services()
                        .inNamespace(ns)
                        .withName("web")
                        .get()
                        .getSpec()
                        .getSelector())
                .containsEntry("color", "blue");
    }

    @Test
    void aDryRunScaleChangesNoReplicas() {
        client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(deployment("web", "web:1", 1))
                .create();
        String before = client.apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getMetadata()
                .getResourceVersion();

        client.apps()
                .deployments()
                .inNamespace(ns)
                .withName("web")
                .dryRun()
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":5}}");

        Deployment stored =
                client.apps().deployments().inNamespace(ns).withName("web").get();
        assertThat(stored.getSpec().getReplicas()).isEqualTo(1);
        assertThat(stored.getMetadata().getGeneration()).isEqualTo(1L);
    }

    @Test
    void aDryRunDeleteKeepsTheObjectAndAMissingOneIs404() {
        ConfigMap cm = configMap("cm");

        assertThat(client.configMaps().inNamespace(ns).withName("cm").dryRun().delete())
                .hasSize(1);
        // fabric8 answers a 404 on delete with an empty list
        assertThat(client.configMaps().inNamespace(ns).withName("nope").dryRun().delete())
                .isEmpty();

        assertThat(version(cm)).isEqualTo(cm.getMetadata().getResourceVersion());
    }

    @Test
    void anUnknownDryRunValueIsRefusedAsInvalidNamingTheOptions() throws Exception {
        ConfigMap cm = configMap("cm");
        HttpClient http = HttpClient.newHttpClient();
        String path = SIM.sim().url() + "/api/v1/namespaces/" + ns + "/configmaps/cm?dryRun=Some";

        HttpResponse<String> patch = http.send(
                HttpRequest.newBuilder(URI.create(path))
                        .header("Content-Type", "application/merge-patch+json")
                        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"data\":{\"k\":\"v2\"}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> delete = http.send(
                HttpRequest.newBuilder(URI.create(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(patch.statusCode()).isEqualTo(422);
        assertThat(patch.body())
                .contains("PatchOptions.meta.k8s.io \\\"\\\" is invalid: dryRun: Unsupported value: "
                        + "\\\"Some\\\": supported values: \\\"All\\\"")
                .contains("\"reason\":\"Invalid\"");
        assertThat(delete.statusCode()).isEqualTo(422);
        assertThat(delete.body()).contains("DeleteOptions.meta.k8s.io");
        assertThat(version(cm)).isEqualTo(cm.getMetadata().getResourceVersion());
    }

    @Test
    void theRequestLogTellsDryRunsFromWrites() {
        ConfigMap cm = configMap("logged");
        SIM.sim().requests().reset();

        client.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder(cm).addToData("k", "v2").build())
                .dryRun()
                .update();
        client.configMaps().inNamespace(ns).withName("logged").delete();

        String path = "/api/v1/namespaces/" + ns + "/configmaps/logged";
        assertThat(SIM.sim().requests().writes())
                .containsExactly(new ClientRequest("update", path, true), new ClientRequest("delete", path, false));
    }

    @Test
    void rbacDecidesADryRunAsTheWriteItStandsFor() {
        try (KubeSim sim = KubeSim.builder().rbac(true).build().start();
                KubernetesClient admin = sim.newClient()) {
            String space = sim.newNamespace();
            admin.rbac()
                    .roles()
                    .inNamespace(space)
                    .resource(new RoleBuilder()
                            .withNewMetadata()
                            .withName("read")
                            .endMetadata()
                            .addToRules(new PolicyRuleBuilder()
                                    .withApiGroups("")
                                    .withResources("configmaps")
                                    .withVerbs("get")
                                    .build())
                            .build())
                    .create();
            admin.rbac()
                    .roleBindings()
                    .inNamespace(space)
                    .resource(new RoleBindingBuilder()
                            .withNewMetadata()
                            .withName("read")
                            .endMetadata()
                            .withNewRoleRef("rbac.authorization.k8s.io", "Role", "read")
                            .addNewSubject()
                            .withKind("ServiceAccount")
                            .withName("jenkins")
                            .withNamespace("ci")
                            .endSubject()
                            .build())
                    .create();
            ConfigMap cm = admin.configMaps()
                    .inNamespace(space)
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("cm")
                            .endMetadata()
                            .build())
                    .create();
            try (KubernetesClient jenkins = sim.newClient(space, sim.rbac().serviceAccountToken("ci", "jenkins"))) {
                assertThatThrownBy(() -> jenkins.configMaps()
                                .resource(new ConfigMapBuilder(cm)
                                        .addToData("k", "v")
                                        .build())
                                .dryRun()
                                .update())
                        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                            assertThat(e.getCode()).isEqualTo(403);
                            assertThat(e.getStatus().getMessage()).contains("cannot update resource \"configmaps\"");
                        });
            }
        }
    }

    @Test
    void kubectlServerDryRunsChangeNothing(@TempDir Path dir) throws Exception {
        String binary = Kubectl.find();
        Assumptions.assumeTrue(binary != null, "kubectl is not installed");
        Path kubeconfig = dir.resolve("kubeconfig");
        SIM.sim().writeKubeconfig(kubeconfig);
        Kubectl kubectl = new Kubectl(binary, kubeconfig, dir);
        Path manifest = dir.resolve("web.yaml");
        Files.writeString(
                manifest,
                String.join(
                        "\n",
                        "apiVersion: v1",
                        "kind: Service",
                        "metadata:",
                        "  name: web",
                        "spec:",
                        "  selector: {app: web, color: blue}",
                        "  ports:",
                        "  - port: 80",
                        ""));

        Kubectl.Result applyNew = kubectl.run("-n", ns, "apply", "--dry-run=server", "-f", manifest.toString());
        assertThat(applyNew.exit()).as(applyNew.err()).isZero();
        assertThat(applyNew.out()).contains("service/web created (server dry run)");
        assertThat(client.services().inNamespace(ns).withName("web").get()).isNull();

        kubectl.ok("-n", ns, "apply", "-f", manifest.toString());
        String before = client.services()
                .inNamespace(ns)
                .withName("web")
                .get()
                .getMetadata()
                .getResourceVersion();
        Kubectl.Result patch = kubectl.run(
                "-n",
                ns,
                "patch",
                "service",
                "web",
                "--dry-run=server",
                "-p",
                "{\"spec\":{\"selector\":{\"color\":\"green\"}}}",
                "-o",
                "jsonpath={.spec.selector.color}");
        Kubectl.Result mergePatch = kubectl.run(
                "-n",
                ns,
                "patch",
                "service",
                "web",
                "--dry-run=server",
                "--type=merge",
                "-p",
                "{\"spec\":{\"selector\":{\"color\":\"green\"}}}");
        Kubectl.Result reapply = kubectl.run(
                "-n",
                ns,
                "apply",
                "--dry-run=server",
                "-f",
                Files.writeString(
                                dir.resolve("green.yaml"),
                                Files.readString(manifest).replace("blue", "green"))
                        .toString());
        Kubectl.Result delete = kubectl.run("-n", ns, "delete", "service", "web", "--dry-run=server");

        assertThat(patch.exit()).as(patch.err()).isZero();
        assertThat(patch.out()).isEqualTo("green");
        assertThat(mergePatch.exit()).as(mergePatch.err()).isZero(); // kubectl patch prints no dry-run suffix
        assertThat(reapply.out()).contains("service/web configured (server dry run)");
        assertThat(delete.out()).contains("service \"web\" deleted (server dry run)");
        Service stored = client.services().inNamespace(ns).withName("web").get();
        assertThat(stored.getSpec().getSelector()).containsEntry("color", "blue");
        assertThat(stored.getMetadata().getResourceVersion()).isEqualTo(before);
        assertThat(kubectl.ok("-n", ns, "get", "endpoints", "web", "-o", "name"))
                .contains("endpoints/web");
    }

    private static KubernetesClientException catchFrom(Runnable call) {
        try {
            call.run();
            return null;
        } catch (KubernetesClientException e) {
            return e;
        }
    }
}
