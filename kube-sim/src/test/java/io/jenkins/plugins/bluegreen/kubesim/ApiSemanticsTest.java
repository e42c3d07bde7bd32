package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ApiSemanticsTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static Deployment rolledOut(KubernetesClient c, String ns, String name, int replicas) {
        await(WAIT, "rollout", () -> {
            Deployment d = c.apps().deployments().inNamespace(ns).withName(name).get();
            return d.getStatus() != null
                    && Integer.valueOf(replicas).equals(d.getStatus().getAvailableReplicas());
        });
        return c.apps().deployments().inNamespace(ns).withName(name).get();
    }

    @Test
    void generationBumpsOnSpecChangesOnlyAndClientWritesKeepStatus() throws Exception {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("d", "d:1", 2, Map.of("app", "d")))
                .create();
        Deployment d = rolledOut(c, ns, "d", 2);
        assertThat(d.getMetadata().getGeneration()).isEqualTo(1L);

        // a label is metadata: no new generation
        Deployment labelled = c.apps()
                .deployments()
                .inNamespace(ns)
                .withName("d")
                .edit(x -> {
                    x.getMetadata().getLabels().put("team", "a");
                    return x;
                });
        assertThat(labelled.getMetadata().getGeneration()).isEqualTo(1L);

        // a full PUT without status (as kubectl replace or a stale client sends) keeps the controller's status,
        // and the response already carries the new generation
        Deployment put = c.apps().deployments().inNamespace(ns).withName("d").get();
        put.setStatus(null);
        put.getSpec().setReplicas(3);
        Deployment updated =
                c.apps().deployments().inNamespace(ns).resource(put).update();
        assertThat(updated.getMetadata().getGeneration()).isEqualTo(2L);
        assertThat(updated.getStatus()).isNotNull();
        assertThat(updated.getStatus().getAvailableReplicas()).isEqualTo(2);

        Deployment done = rolledOut(c, ns, "d", 3);
        assertThat(done.getStatus().getObservedGeneration()).isEqualTo(2L);
        // the /status subresource shows the same status
        JsonNode status = Serialization.unmarshal(
                new RawHttp(SIM.sim())
                        .get("/apis/apps/v1/namespaces/" + ns + "/deployments/d/status")
                        .body(),
                JsonNode.class);
        assertThat(status.path("status").path("availableReplicas").asInt()).isEqualTo(3);
    }

    /**
     * A JSON patch (RFC 6902) is applied all or nothing to the object as it is when it arrives: a failing {@code test}
     * refuses the whole patch with 422 and changes nothing (core releases its lock this way, without reading the Lease,
     * so a lock someone else took is never released); a passing one applies every operation.
     */
    @Test
    void jsonPatchTestOperationsGuardThePatch() throws Exception {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("lock")
                        .endMetadata()
                        .addToData("holder", "a")
                        .addToData("since", "1")
                        .build())
                .create();
        String version = c.configMaps()
                .inNamespace(ns)
                .withName("lock")
                .get()
                .getMetadata()
                .getResourceVersion();
        String releaseByB = "[{\"op\":\"test\",\"path\":\"/data/holder\",\"value\":\"b\"},"
                + "{\"op\":\"replace\",\"path\":\"/data/holder\",\"value\":\"\"},"
                + "{\"op\":\"remove\",\"path\":\"/data/since\"}]";
        HttpResponse<String> refused = new RawHttp(SIM.sim())
                .send(
                        "PATCH",
                        "/api/v1/namespaces/" + ns + "/configmaps/lock",
                        "application/json-patch+json",
                        releaseByB,
                        WAIT);
        assertThat(refused.statusCode()).isEqualTo(422);
        var unchanged = c.configMaps().inNamespace(ns).withName("lock").get();
        assertThat(unchanged.getData()).containsEntry("holder", "a").containsEntry("since", "1");
        assertThat(unchanged.getMetadata().getResourceVersion()).isEqualTo(version);

        var released = c.configMaps()
                .inNamespace(ns)
                .resource(unchanged)
                .patch(PatchContext.of(PatchType.JSON), releaseByB.replace("\"value\":\"b\"", "\"value\":\"a\""));
        assertThat(released.getData()).containsEntry("holder", "").doesNotContainKey("since");
    }

    @Test
    void mergePatchNullDeletesAndStrategicPatchMergesContainersByName() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("m")
                        .addToAnnotations("keep", "1")
                        .addToAnnotations("drop", "2")
                        .endMetadata()
                        .build())
                .create();
        c.configMaps()
                .inNamespace(ns)
                .withName("m")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"metadata\":{\"annotations\":{\"drop\":null}}}");
        assertThat(c.configMaps()
                        .inNamespace(ns)
                        .withName("m")
                        .get()
                        .getMetadata()
                        .getAnnotations())
                .containsOnlyKeys("keep");

        Deployment d = Fixtures.deployment("sm", "sm:1", 1, Map.of("app", "sm"));
        d.getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .add(new io.fabric8.kubernetes.api.model.ContainerBuilder()
                        .withName("sidecar")
                        .withImage("side:1")
                        .build());
        c.apps().deployments().inNamespace(ns).resource(d).create();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .withName("sm")
                .patch(
                        PatchContext.of(PatchType.STRATEGIC_MERGE),
                        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"sm:2\"}]}}}}");
        var containers = c.apps()
                .deployments()
                .inNamespace(ns)
                .withName("sm")
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers();
        assertThat(containers).hasSize(2);
        assertThat(containers.get(0).getImage()).isEqualTo("sm:2");
        assertThat(containers.get(0).getPorts()).hasSize(1);
        assertThat(containers.get(1).getImage()).isEqualTo("side:1");
    }

    @Test
    void staleResourceVersionConflicts() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        Service svc = c.services()
                .inNamespace(ns)
                .resource(Fixtures.service("s", Map.of("app", "s"))
                        .edit()
                        .editSpec()
                        .editFirstPort()
                        .withNodePort(null)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        c.services().inNamespace(ns).withName("s").edit(s -> {
            s.getMetadata().setLabels(Map.of("v", "2"));
            return s;
        });
        svc.getSpec().setSelector(Map.of("app", "other"));
        assertThatThrownBy(() -> c.services().inNamespace(ns).resource(svc).update())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                        .isEqualTo(409));
        // a guarded merge patch with the stale version conflicts too
        assertThatThrownBy(() -> c.services()
                        .inNamespace(ns)
                        .withName("s")
                        .patch(
                                PatchContext.of(PatchType.JSON_MERGE),
                                "{\"metadata\":{\"resourceVersion\":\""
                                        + svc.getMetadata().getResourceVersion() + "\"},"
                                        + "\"spec\":{\"selector\":{\"app\":\"x\"}}}"))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                        .isEqualTo(409));
        assertThat(c.services().inNamespace(ns).withName("s").get().getSpec().getSelector())
                .containsEntry("app", "s");
    }

    @Test
    void servicesKeepTheirNodePortAndRefuseATakenOne() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        Service svc = c.services()
                .inNamespace(ns)
                .resource(Fixtures.service("np", Map.of("app", "np"))
                        .edit()
                        .editSpec()
                        .editFirstPort()
                        .withNodePort(31234)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        assertThat(svc.getSpec().getPorts().get(0).getNodePort()).isEqualTo(31234);
        assertThat(svc.getSpec().getPorts().get(0).getProtocol()).isEqualTo("TCP");
        // a selector patch keeps the allocated IP and port
        Service patched = c.services()
                .inNamespace(ns)
                .withName("np")
                .patch(
                        PatchContext.of(PatchType.JSON_MERGE),
                        "{\"spec\":{\"selector\":{\"app\":\"np\",\"color\":\"green\"}}}");
        assertThat(patched.getSpec().getPorts().get(0).getNodePort()).isEqualTo(31234);
        assertThat(patched.getSpec().getClusterIP()).isEqualTo(svc.getSpec().getClusterIP());
        assertThatThrownBy(() -> c.services()
                        .inNamespace(SIM.newNamespace())
                        .resource(Fixtures.service("np2", Map.of("app", "x"))
                                .edit()
                                .editSpec()
                                .editFirstPort()
                                .withNodePort(31234)
                                .endPort()
                                .endSpec()
                                .build())
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("already allocated");
                });
    }

    @Test
    void scaleSubresourceReadsAndWritesReplicas() throws Exception {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("sc", "sc:1", 2, Map.of("app", "sc")))
                .create();
        rolledOut(c, ns, "sc", 2);
        RawHttp http = new RawHttp(SIM.sim());
        String path = "/apis/apps/v1/namespaces/" + ns + "/deployments/sc/scale";
        JsonNode scale = Serialization.unmarshal(http.get(path).body(), JsonNode.class);
        assertThat(scale.path("kind").asText()).isEqualTo("Scale");
        assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(scale.path("status").path("selector").asText()).isEqualTo("app=sc");
        HttpResponse<String> r = http.send(
                "PATCH", path, "application/merge-patch+json", "{\"spec\":{\"replicas\":4}}", Duration.ofSeconds(5));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(c.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("sc")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(4);
        rolledOut(c, ns, "sc", 4);
    }

    @Test
    void listsHaveTheirKindAndAResourceVersionAndSetSelectorsFilter() throws Exception {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        for (String color : new String[] {"blue", "green", "red"}) {
            c.configMaps()
                    .inNamespace(ns)
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName(color)
                            .addToLabels("color", color)
                            .endMetadata()
                            .build())
                    .create();
        }
        JsonNode list = Serialization.unmarshal(
                new RawHttp(SIM.sim())
                        .get("/api/v1/namespaces/" + ns + "/configmaps?labelSelector=color%20in%20(blue,green)")
                        .body(),
                JsonNode.class);
        assertThat(list.path("kind").asText()).isEqualTo("ConfigMapList");
        assertThat(list.path("metadata").path("resourceVersion").asLong()).isPositive();
        assertThat(list.path("items")).hasSize(2);
    }

    @Test
    void createInAMissingNamespaceIsNotFound() {
        assertThatThrownBy(() -> SIM.client()
                        .configMaps()
                        .inNamespace("nowhere")
                        .resource(new ConfigMapBuilder()
                                .withNewMetadata()
                                .withName("x")
                                .endMetadata()
                                .build())
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getMessage()).contains("namespaces \"nowhere\" not found");
                });
        assertThat(SIM.client()
                        .configMaps()
                        .inNamespace("default")
                        .withName("missing")
                        .get())
                .isNull();
    }

    @Test
    void deploymentSelectorMustMatchTheTemplateAndCannotChange() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        Deployment mismatched = Fixtures.deployment("sel", "s:1", 1, Map.of("app", "sel"));
        mismatched.getSpec().getSelector().setMatchLabels(Map.of("app", "other"));
        assertThatThrownBy(() -> c.apps()
                        .deployments()
                        .inNamespace(ns)
                        .resource(mismatched)
                        .create())
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("`selector` does not match template `labels`");
                });
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("sel", "s:1", 1, Map.of("app", "sel")))
                .create();
        assertThatThrownBy(() -> c.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("sel")
                        .edit(d -> {
                            d.getSpec().getSelector().getMatchLabels().put("color", "blue");
                            d.getSpec().getTemplate().getMetadata().getLabels().put("color", "blue");
                            return d;
                        }))
                .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getMessage()).contains("field is immutable");
                });
    }

    @Test
    void namespacesCreatedByClientsAreActive() {
        KubernetesClient c = SIM.client();
        var created = c.namespaces()
                .resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder()
                        .withNewMetadata()
                        .withName("made-by-client")
                        .endMetadata()
                        .build())
                .create();
        assertThat(created.getStatus().getPhase()).isEqualTo("Active");
        assertThat(created.getMetadata().getLabels()).containsEntry("kubernetes.io/metadata.name", "made-by-client");
        c.configMaps()
                .inNamespace("made-by-client")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("x")
                        .endMetadata()
                        .build())
                .create();
    }

    @Test
    void deletingANamespaceDeletesItsObjects() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("gone", "g:1", 1, Map.of("app", "g")))
                .create();
        c.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("c")
                        .endMetadata()
                        .build())
                .create();
        rolledOut(c, ns, "gone", 1);
        c.namespaces().withName(ns).delete();
        await(
                WAIT,
                "namespace emptied",
                () -> c.pods().inNamespace(ns).list().getItems().isEmpty()
                        && c.apps()
                                .deployments()
                                .inNamespace(ns)
                                .list()
                                .getItems()
                                .isEmpty()
                        && c.configMaps().inNamespace(ns).list().getItems().isEmpty());
        assertThat(c.namespaces().withName(ns).get()).isNull();
    }

    @Test
    void serverSideApplyCreatesThenMerges() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("ssa")
                        .endMetadata()
                        .addToData("a", "1")
                        .build())
                .serverSideApply();
        c.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("ssa")
                        .endMetadata()
                        .addToData("b", "2")
                        .build())
                .serverSideApply();
        assertThat(c.configMaps().inNamespace(ns).withName("ssa").get().getData())
                .containsEntry("b", "2");
    }
}
