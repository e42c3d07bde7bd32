package io.jenkins.plugins.bluegreen.kubesim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The optional authorizer: tokens map to users, and RBAC objects decide each request by verb, API group, resource,
 * subresource, namespace and resourceNames, with Kubernetes' own 403 message. Every refusal below is one a
 * permissive sim (the default) would have let through, so each assertion fails without the authorizer.
 */
class RbacTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().rbac(true));

    private static final Map<String, String> LABELS = Map.of("app", "web");

    private String ns;
    private String token;
    private KubernetesClient admin;

    @BeforeEach
    void namespaceWithAServiceAccount() {
        ns = SIM.newNamespace();
        admin = SIM.client();
        token = SIM.sim().rbac().serviceAccountToken("ci", "jenkins");
    }

    private void grant(String role, PolicyRule... rules) {
        admin.rbac()
                .roles()
                .inNamespace(ns)
                .resource(new RoleBuilder()
                        .withNewMetadata()
                        .withName(role)
                        .endMetadata()
                        .withRules(rules)
                        .build())
                .create();
        admin.rbac()
                .roleBindings()
                .inNamespace(ns)
                .resource(new RoleBindingBuilder()
                        .withNewMetadata()
                        .withName(role)
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "Role", role)
                        .addNewSubject()
                        .withKind("ServiceAccount")
                        .withName("jenkins")
                        .withNamespace("ci")
                        .endSubject()
                        .build())
                .create();
    }

    private static PolicyRule rule(String group, String resource, String... verbs) {
        return new PolicyRuleBuilder()
                .withApiGroups(group)
                .withResources(resource)
                .withVerbs(verbs)
                .build();
    }

    /** No node port: node ports are unique across the sim's namespaces. */
    private static io.fabric8.kubernetes.api.model.Service clusterIp(String name) {
        return new io.fabric8.kubernetes.api.model.ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withSelector(LABELS)
                .addNewPort()
                .withPort(80)
                .endPort()
                .endSpec()
                .build();
    }

    private KubernetesClient jenkins() {
        return SIM.sim().newClient(ns, token);
    }

    private static int code(Runnable request) {
        try {
            request.run();
            return 200;
        } catch (KubernetesClientException e) {
            return e.getCode();
        }
    }

    @Test
    void theAdministratorsTokenIsNeverChecked() {
        admin.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("c")
                        .endMetadata()
                        .build())
                .create();
        assertThat(admin.configMaps().inNamespace(ns).list().getItems()).hasSize(1);
    }

    @Test
    void anUnknownOrMissingTokenIs401EvenForDiscovery() throws Exception {
        try (KubernetesClient stranger = SIM.sim().newClient(ns, "not-a-known-token")) {
            assertThat(code(() -> stranger.services().list())).isEqualTo(401);
        }
        HttpResponse<String> anonymous = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(SIM.sim().url() + "/api"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).contains("\"reason\":\"Unauthorized\"");
    }

    @Test
    void aServiceAccountWithoutBindingsIsRefusedWithKubernetesOwnMessage() {
        admin.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("web", "web:1", 1, LABELS))
                .create();
        try (KubernetesClient c = jenkins()) {
            assertThat(c.getApiGroups())
                    .as("discovery is open to authenticated users")
                    .isNotNull();
            assertThatThrownBy(() -> c.apps().deployments().withName("web").get())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
                        assertThat(e.getCode()).isEqualTo(403);
                        assertThat(e.getStatus().getReason()).isEqualTo("Forbidden");
                        assertThat(e.getStatus().getMessage())
                                .isEqualTo("deployments.apps \"web\" is forbidden: User "
                                        + "\"system:serviceaccount:ci:jenkins\" cannot get resource \"deployments\" in API group \"apps\" "
                                        + "in the namespace \"" + ns + "\"");
                        assertThat(e.getStatus().getDetails().getGroup()).isEqualTo("apps");
                        assertThat(e.getStatus().getDetails().getKind()).isEqualTo("deployments");
                    });
            assertThatThrownBy(() -> c.services().list())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(
                                    e.getStatus().getMessage())
                            .isEqualTo(
                                    "services is forbidden: User \"system:serviceaccount:ci:jenkins\" cannot list resource "
                                            + "\"services\" in API group \"\" in the namespace \"" + ns + "\""));
        }
    }

    @Test
    void verbsAreCheckedOneByOne() {
        grant("svc-reader", rule("", "services", "get", "list"));
        admin.services().inNamespace(ns).resource(clusterIp("web")).create();
        try (KubernetesClient c = jenkins()) {
            assertThat(c.services().withName("web").get()).isNotNull();
            assertThat(c.services().list().getItems()).hasSize(1);
            assertThat(code(() -> c.services().withName("web").edit(s -> {
                        s.getMetadata().setLabels(Map.of("x", "y"));
                        return s;
                    })))
                    .as("patch/update not granted")
                    .isEqualTo(403);
            assertThat(code(() -> c.services().withName("web").delete())).isEqualTo(403);
            assertThat(code(() -> c.services().delete())).as("deletecollection").isEqualTo(403);
        }
        assertThat(SIM.sim().rbac().decisions()).anySatisfy(d -> {
            assertThat(d.verb()).isEqualTo("deletecollection");
            assertThat(d.allowed()).isFalse();
        });
    }

    @Test
    void subresourcesNeedTheirOwnRule() {
        grant("deploy", rule("apps", "deployments", "get", "update"));
        admin.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("web", "web:1", 1, LABELS))
                .create();
        try (KubernetesClient c = jenkins()) {
            assertThat(c.apps().deployments().withName("web").get()).isNotNull();
            assertThatThrownBy(() -> c.apps().deployments().withName("web").scale(2))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(
                                    e.getStatus().getMessage())
                            .contains("cannot get resource \"deployments/scale\" in API group \"apps\""));
        }
        grant("scaler", rule("apps", "deployments/scale", "get", "patch", "update"));
        try (KubernetesClient c = jenkins()) {
            c.apps().deployments().withName("web").scale(2);
            assertThat(admin.apps()
                            .deployments()
                            .inNamespace(ns)
                            .withName("web")
                            .get()
                            .getSpec()
                            .getReplicas())
                    .isEqualTo(2);
            assertThat(code(() -> c.apps()
                            .deployments()
                            .withName("web")
                            .updateStatus(c.apps().deployments().withName("web").get())))
                    .as("deployments/status not granted")
                    .isEqualTo(403);
        }
    }

    @Test
    void resourceNamesLimitGetsAndNameSelectedListsButNeverCreate() {
        grant(
                "one-lease",
                new PolicyRuleBuilder()
                        .withApiGroups("coordination.k8s.io")
                        .withResources("leases")
                        .withResourceNames("web-lock")
                        .withVerbs("get", "list", "watch", "create")
                        .build());
        admin.configMaps()
                .inNamespace(ns)
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("c")
                        .endMetadata()
                        .build())
                .create();
        try (KubernetesClient c = jenkins()) {
            assertThat(code(() -> c.leases().withName("web-lock").get())).isEqualTo(200);
            assertThat(code(() -> c.leases().withName("other").get())).isEqualTo(403);
            assertThat(code(() -> c.leases().list()))
                    .as("a list of all leases names no resource")
                    .isEqualTo(403);
            assertThat(code(() ->
                            c.leases().withField("metadata.name", "web-lock").list()))
                    .isEqualTo(200);
            assertThat(code(() -> c.leases()
                            .resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                                    .withNewMetadata()
                                    .withName("web-lock")
                                    .endMetadata()
                                    .build())
                            .create()))
                    .as("a create carries no name in its path, so resourceNames cannot grant it")
                    .isEqualTo(403);
        }
    }

    @Test
    void aRoleGrantsOnlyInItsOwnNamespace() {
        grant("svc-reader", rule("", "services", "get"));
        String elsewhere = SIM.newNamespace();
        admin.services().inNamespace(elsewhere).resource(clusterIp("web")).create();
        try (KubernetesClient c = jenkins()) {
            assertThatThrownBy(() ->
                            c.services().inNamespace(elsewhere).withName("web").get())
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(
                                    e.getStatus().getMessage())
                            .endsWith("in the namespace \"" + elsewhere + "\""));
        }
    }

    @Test
    void clusterRolesThroughRoleBindingsAndClusterRoleBindings() {
        admin.rbac()
                .clusterRoles()
                .resource(new ClusterRoleBuilder()
                        .withNewMetadata()
                        .withName("pod-watcher-" + ns)
                        .endMetadata()
                        .withRules(rule("", "pods", "list", "watch"), rule("", "namespaces", "get"))
                        .build())
                .create();
        try (KubernetesClient c = jenkins()) {
            assertThat(code(() -> c.pods().list())).isEqualTo(403);
            assertThat(code(() -> c.namespaces().withName(ns).get())).isEqualTo(403);
        }
        // a RoleBinding applies a ClusterRole's rules in its own namespace only; here to a group
        admin.rbac()
                .roleBindings()
                .inNamespace(ns)
                .resource(new RoleBindingBuilder()
                        .withNewMetadata()
                        .withName("watchers")
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "pod-watcher-" + ns)
                        .addNewSubject()
                        .withKind("Group")
                        .withName("system:serviceaccounts:ci")
                        .endSubject()
                        .build())
                .create();
        try (KubernetesClient c = jenkins()) {
            assertThat(code(() -> c.pods().list())).isEqualTo(200);
            // as in Kubernetes, a namespace is addressed within itself: the namespaced binding grants get on it
            assertThat(code(() -> c.namespaces().withName(ns).get())).isEqualTo(200);
            assertThat(code(() -> c.namespaces().withName("default").get())).isEqualTo(403);
        }
        admin.rbac()
                .clusterRoleBindings()
                .resource(new ClusterRoleBindingBuilder()
                        .withNewMetadata()
                        .withName("watchers-" + ns)
                        .endMetadata()
                        .withNewRoleRef("rbac.authorization.k8s.io", "ClusterRole", "pod-watcher-" + ns)
                        .addNewSubject()
                        .withKind("User")
                        .withName("system:serviceaccount:ci:jenkins")
                        .endSubject()
                        .build())
                .create();
        try (KubernetesClient c = jenkins()) {
            assertThat(code(() -> c.namespaces().withName("default").get())).isEqualTo(200);
            assertThat(code(() -> c.pods().inAnyNamespace().list())).isEqualTo(200);
        }
        admin.rbac().clusterRoleBindings().withName("watchers-" + ns).delete();
    }

    @Test
    void watchesAreAuthorizedLikeListsOverWebSocketAndChunkedHttp() throws Exception {
        grant("pod-lister", rule("", "pods", "list"));
        try (KubernetesClient c = jenkins()) {
            assertThat(code(() -> c.pods().list())).isEqualTo(200);
            assertThatThrownBy(() -> c.pods().watch(new Watcher<Pod>() {
                        @Override
                        public void eventReceived(Action action, Pod resource) {}

                        @Override
                        public void onClose(WatcherException cause) {}
                    }))
                    .isInstanceOfSatisfying(KubernetesClientException.class, e -> assertThat(e.getCode())
                            .isEqualTo(403));
        }
        HttpResponse<String> chunked = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create(SIM.sim().url() + "/api/v1/namespaces/" + ns + "/pods?watch=true"))
                                .header("Authorization", "Bearer " + token)
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(403);
        assertThat(chunked.body()).contains("cannot watch resource \\\"pods\\\"");
        grant("pod-watcher", rule("", "pods", "watch"));
        try (KubernetesClient c = jenkins()) {
            Watch w = c.pods().watch(new Watcher<Pod>() {
                @Override
                public void eventReceived(Action action, Pod resource) {}

                @Override
                public void onClose(WatcherException cause) {}
            });
            w.close();
        }
    }

    @Test
    void decisionsRecordWhoDidWhat() {
        grant("cm", rule("", "configmaps", "create", "get"));
        SIM.sim().rbac().clearDecisions();
        try (KubernetesClient c = jenkins()) {
            c.configMaps()
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("c")
                            .endMetadata()
                            .build())
                    .create();
            c.configMaps().withName("c").get();
        }
        List<Rbac.Decision> mine = SIM.sim().rbac().decisions().stream()
                .filter(d -> d.user().equals("system:serviceaccount:ci:jenkins") && ns.equals(d.namespace()))
                .toList();
        assertThat(mine).extracting(Rbac.Decision::verb).containsExactly("create", "get");
        assertThat(mine).allSatisfy(d -> {
            assertThat(d.allowed()).isTrue();
            assertThat(d.rbacResource()).isEqualTo("configmaps");
        });
    }
}
