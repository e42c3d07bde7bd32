package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.Rbac;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * docs/rbac.yaml is exactly what the engine needs, proven on kube-sim with RBAC enforced for the ServiceAccount
 * {@code ci/jenkins} the file binds: every operation succeeds with it; every verb it grants is used; and with any
 * single verb taken away, some operation fails with "forbidden: needs verb X on resource Y" — or, for the two rules
 * the file marks optional, warns naming the verb. The file is read as users apply it, so a rule added to or dropped
 * from it is checked without touching this test.
 */
class PermissionsTest {
    @RegisterExtension
    static final KubeSimExtension SIM =
            new KubeSimExtension(KubeSim.builder().rbac(true).readyDelay(Duration.ofMillis(50)));
    /** Maven runs core's tests in core/. */
    static final Path RBAC_YAML = Path.of(System.getProperty("bluegreen.repo.root", "."), "docs", "rbac.yaml");

    private static final String JENKINS = "system:serviceaccount:ci:jenkins";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A new selector label, so deploying it into the idle colour must delete and recreate that Deployment. */
    private static final String MANIFEST_WITH_NEW_SELECTOR = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: myapp}
            spec:
              selector: {matchLabels: {app: myapp, tier: web}}
              template:
                metadata: {labels: {app: myapp, tier: web}}
                spec:
                  containers: [{name: app, image: "myapp:4"}]
            """;

    private static String token;
    private static List<HasMetadata> rbacYaml;

    @BeforeAll
    static void applyTheClusterScopedPartOnce() throws IOException {
        token = SIM.sim().rbac().serviceAccountToken("ci", "jenkins");
        try (InputStream in = Files.newInputStream(RBAC_YAML)) {
            rbacYaml = SIM.client().load(in).items();
        }
        rbacYaml.stream()
                .filter(o -> o instanceof ClusterRole || o instanceof ClusterRoleBinding)
                .forEach(o -> SIM.client().resource(o).create());
    }

    /** A fresh namespace with the namespaced part of docs/rbac.yaml, as {@code kubectl -n ns apply -f} puts it. */
    private static String namespaceWithTheRole() {
        String ns = SIM.newNamespace();
        rbacYaml.stream()
                .filter(o -> o instanceof Role || o instanceof RoleBinding)
                .forEach(o -> SIM.client().resource(o).inNamespace(ns).create());
        return ns;
    }

    private static Role role(String ns) {
        return SIM.client()
                .rbac()
                .roles()
                .inNamespace(ns)
                .withName(only(Role.class).getMetadata().getName())
                .get();
    }

    private static <T extends HasMetadata> T only(Class<T> kind) {
        List<T> found =
                rbacYaml.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertThat(found).as("one %s in %s", kind.getSimpleName(), RBAC_YAML).hasSize(1);
        return found.get(0);
    }

    /** What one pass over every operation observed besides success. */
    record Observed(List<String> warnings, String missingNamespaceError) {}

    /**
     * Every operation of the engine, as the jenkins ServiceAccount, in the order a user meets them: status before
     * adoption, deploy with adoption and a preview Service, await, switch, the scale-down, rollback of a scaled-down
     * colour (scale up, await, switch back), a manifest that changes the idle colour's selector (delete and
     * recreate), abandon, waiting out a crashed holder's lock (watch), take-over, release, and status in a namespace
     * that does not exist. Throws the first failure.
     */
    private static Observed everyOperation(String ns) {
        return everyOperation(ns, new RecordingListener());
    }

    private static Observed everyOperation(String ns, RecordingListener listener) {
        new SimApps(SIM.client(), ns).seedUnadopted("myapp", 2, "myapp:1");
        // an autoscaler on the app: adoption and every traffic change point it at the live colour
        SIM.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(ns)
                .resource(new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("myapp")
                        .endMetadata()
                        .withNewSpec()
                        .withMinReplicas(2)
                        .withMaxReplicas(4)
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("myapp-v1")
                        .endScaleTargetRef()
                        .endSpec()
                        .build())
                .create();
        try (KubernetesClient client = SIM.sim().newClient(ns, token)) {
            BlueGreen engine =
                    BlueGreen.builder(client).namespace(ns).listener(listener).build();
            engine.status("myapp");
            engine.deploy(DeployRequest.builder("myapp")
                    .image("myapp:2")
                    .previewService("myapp-preview")
                    .holder(HOLDER)
                    .build());
            engine.awaitHealthy("myapp", null, WAIT);
            engine.switchTraffic(SwitchRequest.builder("myapp")
                    .holder(HOLDER)
                    .scaleDownDelay(Duration.ofMillis(1))
                    .build());
            sleep(Duration.ofMillis(20));
            assertThat(engine.scaleDownIfDue("myapp").outcome()).isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
            assertThat(engine.rollback(RollbackRequest.builder("myapp")
                                    .holder(HOLDER)
                                    .timeout(WAIT)
                                    .build())
                            .action())
                    .isEqualTo(RollbackResult.Action.SCALED_UP_AND_SWITCHED_BACK);
            engine.deploy(DeployRequest.builder("myapp")
                    .manifest(MANIFEST_WITH_NEW_SELECTOR)
                    .holder(HOLDER)
                    .build());
            engine.abandon("myapp", HOLDER);

            BlueGreen crashed = BlueGreen.builder(client)
                    .namespace(ns)
                    .settings(BlueGreenSettings.builder()
                            .leaseDuration(Duration.ofSeconds(1))
                            .build())
                    .build();
            crashed.acquireLock("myapp", "https://ci.example/job/crashed/1/", Duration.ZERO);
            engine.acquireLock("myapp", HOLDER, WAIT); // watches the Lease until it expires
            engine.takeOverLock("myapp", "cli:ops@laptop");
            engine.releaseLock("myapp", "cli:ops@laptop");
            engine.status("myapp");

            String missing = "gone-" + ns;
            BlueGreenException elsewhere = catchBlueGreen(
                    () -> BlueGreen.builder(client).namespace(missing).build().status("myapp"));
            return new Observed(List.copyOf(listener.warnings), elsewhere.getMessage());
        }
    }

    @Test
    void theRoleIsEnoughForEveryOperationAndUsesEveryVerbItGrants() {
        String ns = namespaceWithTheRole();

        Observed observed = everyOperation(ns);

        assertThat(observed.warnings()).noneMatch(w -> w.contains("forbidden"));
        assertThat(observed.missingNamespaceError()).startsWith("namespace: namespace gone-" + ns + " does not exist");
        // least privilege: the verbs the API server let the account use are exactly the verbs the file grants
        List<Rbac.Decision> mine = SIM.sim().rbac().decisions().stream()
                .filter(d -> d.user().equals(JENKINS)
                        && d.namespace() != null
                        && d.namespace().endsWith(ns))
                .toList();
        Set<String> used = mine.stream()
                .filter(Rbac.Decision::allowed)
                .map(d -> key(d.apiGroup(), d.rbacResource(), d.verb()))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> granted = grants().map(g -> key((String) g.get()[1], (String) g.get()[2], (String) g.get()[3]))
                .collect(Collectors.toCollection(TreeSet::new));
        // watching EndpointSlices is only needed when the endpoints controller has not caught up with a selector
        // write by the time the engine lists them, which kube-sim's in-process controller rarely allows
        Set<String> mayGoUnused = Set.of(key("discovery.k8s.io", "endpointslices", "watch"));
        assertThat(used).isSubsetOf(granted);
        assertThat(granted.stream().filter(g -> !used.contains(g)).toList()).isSubsetOf(mayGoUnused);
        assertThat(mine.stream().filter(d -> !d.allowed() && d.namespace().equals(ns)))
                .as("refused in the app's namespace")
                .isEmpty();
    }

    /** Every (role kind, API group, resource, verb) docs/rbac.yaml grants; JUnit asks after {@code @BeforeAll}. */
    static Stream<Arguments> grants() {
        List<Arguments> grants = new ArrayList<>();
        for (HasMetadata o : rbacYaml) {
            List<PolicyRule> rules =
                    o instanceof Role r ? r.getRules() : o instanceof ClusterRole c ? c.getRules() : List.of();
            for (PolicyRule rule : rules) {
                for (String group : rule.getApiGroups()) {
                    for (String resource : rule.getResources()) {
                        for (String verb : rule.getVerbs()) {
                            grants.add(Arguments.of(o.getKind(), group, resource, verb));
                        }
                    }
                }
            }
        }
        return grants.stream();
    }

    @ParameterizedTest(name = "{0} without {3} on {2}")
    @MethodSource("grants")
    void withoutAnyOneVerbSomeOperationFailsNamingIt(String kind, String group, String resource, String verb) {
        String ns = namespaceWithTheRole();
        Runnable restore = revoke(ns, kind, group, resource, verb);
        try {
            String needs = "forbidden: needs verb " + verb + " on resource " + resource;
            if (resource.equals("endpointslices") && verb.equals("watch")) {
                // recommended, not needed: without it the engine lists the slices again until they are right
                everyOperation(ns);
            } else if (resource.equals("horizontalpodautoscalers")) {
                // optional: sizing falls back to the live Deployment, and says why
                assertThat(everyOperation(ns).warnings()).anyMatch(w -> w.contains(needs));
            } else if (resource.equals("namespaces")) {
                // optional: a missing namespace can no longer be told from a refusal, and the error says so
                assertThat(everyOperation(ns).missingNamespaceError()).contains(needs);
            } else {
                String said = needs + (group.isEmpty() ? " (core API group)" : " (API group " + group + ")")
                        + " in namespace " + ns + ", while ";
                RecordingListener listener = new RecordingListener();
                Throwable thrown = catchThrowable(() -> everyOperation(ns, listener));
                List<String> warned =
                        listener.warnings.stream().filter(w -> w.contains(said)).toList();
                if (!warned.isEmpty()) {
                    // a follow-up after the change was made (e.g. scheduling the old colour's scale-down): the
                    // switch is done, so the refusal is said as a warning naming the verb, not thrown
                    assertThat(warned).allSatisfy(w -> assertThat(w).doesNotContain(token));
                } else {
                    assertThat(thrown).isInstanceOfSatisfying(PermissionDeniedException.class, e -> {
                        for (Throwable t = e; t != null; t = t.getCause()) {
                            assertThat(String.valueOf(t.getMessage()))
                                    .as("no credentials in any message")
                                    .doesNotContain(token);
                        }
                        assertThat(e.getMessage()).startsWith(said);
                        assertThat(e.verb()).isEqualTo(verb);
                        assertThat(e.resource()).isEqualTo(resource);
                    });
                }
            }
        } finally {
            restore.run();
        }
    }

    @Test
    void aTokenTheApiServerDoesNotKnowIsBadCredentialsNotMissingRbac() {
        String ns = namespaceWithTheRole();
        try (KubernetesClient client = SIM.sim().newClient(ns, "expired-token")) {
            BlueGreen engine = BlueGreen.builder(client).namespace(ns).build();

            assertThatThrownBy(() -> engine.status("myapp"))
                    .isNotInstanceOf(PermissionDeniedException.class)
                    .hasMessageStartingWith(
                            "unauthorized: the Kubernetes API did not accept the credentials (HTTP 401)")
                    .hasMessageNotContaining("expired-token");
        }
    }

    /** Takes one verb away from the named role; returns how to give it back (the ClusterRole is shared). */
    private static Runnable revoke(String ns, String kind, String group, String resource, String verb) {
        if (kind.equals("Role")) {
            Role reduced = role(ns);
            reduced.setRules(without(reduced.getRules(), group, resource, verb));
            SIM.client().resource(reduced).inNamespace(ns).update();
            return () -> {};
        }
        ClusterRole original = SIM.client()
                .rbac()
                .clusterRoles()
                .withName(only(ClusterRole.class).getMetadata().getName())
                .get();
        ClusterRole reduced = SIM.client()
                .rbac()
                .clusterRoles()
                .withName(original.getMetadata().getName())
                .get();
        reduced.setRules(without(reduced.getRules(), group, resource, verb));
        SIM.client().resource(reduced).update();
        return () -> SIM.client()
                .rbac()
                .clusterRoles()
                .withName(original.getMetadata().getName())
                .edit(c -> {
                    c.setRules(original.getRules());
                    return c;
                });
    }

    private static List<PolicyRule> without(List<PolicyRule> rules, String group, String resource, String verb) {
        List<PolicyRule> result = new ArrayList<>();
        for (PolicyRule rule : rules) {
            if (!rule.getApiGroups().contains(group) || !rule.getResources().contains(resource)) {
                result.add(rule);
                continue;
            }
            // split the matching rule so only this (group, resource, verb) goes
            List<String> otherResources = rule.getResources().stream()
                    .filter(r -> !r.equals(resource))
                    .toList();
            if (!otherResources.isEmpty()) {
                result.add(new PolicyRuleBuilder(rule)
                        .withResources(otherResources)
                        .build());
            }
            List<String> otherVerbs =
                    rule.getVerbs().stream().filter(v -> !v.equals(verb)).toList();
            if (!otherVerbs.isEmpty()) {
                result.add(new PolicyRuleBuilder(rule)
                        .withResources(resource)
                        .withVerbs(otherVerbs)
                        .build());
            }
        }
        return result;
    }

    private static String key(String group, String resource, String verb) {
        return (group.isEmpty() ? "core" : group) + "/" + resource + ":" + verb;
    }

    private static BlueGreenException catchBlueGreen(Runnable operation) {
        try {
            operation.run();
        } catch (BlueGreenException e) {
            return e;
        }
        throw new AssertionError("expected a BlueGreenException");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
