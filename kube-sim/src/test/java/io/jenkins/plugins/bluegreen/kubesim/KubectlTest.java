package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** kubectl, a real third-party client, against the sim: discovery, get, apply, patch, scale, watch. */
class KubectlTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @TempDir
    static Path dir;

    private static Path kubeconfig;
    private static String kubectl;

    private static Kubectl cli;

    @BeforeAll
    static void findKubectl() {
        kubectl = Kubectl.find();
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed");
        kubeconfig = dir.resolve("kubeconfig");
        SIM.sim().writeKubeconfig(kubeconfig);
        cli = new Kubectl(kubectl, kubeconfig, dir);
    }

    private static String ok(String... args) throws IOException, InterruptedException {
        return cli.ok(args);
    }

    private static Path manifest(String ns) throws IOException {
        Path file = dir.resolve(ns + ".yaml");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "apiVersion: apps/v1",
                        "kind: Deployment",
                        "metadata:",
                        "  name: myapp-blue",
                        "spec:",
                        "  replicas: 2",
                        "  selector:",
                        "    matchLabels: {app: myapp, color: blue}",
                        "  template:",
                        "    metadata:",
                        "      labels: {app: myapp, color: blue}",
                        "    spec:",
                        "      containers:",
                        "      - name: app",
                        "        image: myapp:v1",
                        "        ports:",
                        "        - containerPort: 8080",
                        "---",
                        "apiVersion: apps/v1",
                        "kind: Deployment",
                        "metadata:",
                        "  name: myapp-green",
                        "spec:",
                        "  replicas: 3",
                        "  selector:",
                        "    matchLabels: {app: myapp, color: green}",
                        "  template:",
                        "    metadata:",
                        "      labels: {app: myapp, color: green}",
                        "    spec:",
                        "      containers:",
                        "      - name: app",
                        "        image: myapp:v2",
                        "        ports:",
                        "        - containerPort: 8080",
                        "---",
                        "apiVersion: v1",
                        "kind: Service",
                        "metadata:",
                        "  name: myapp",
                        "spec:",
                        "  type: NodePort",
                        "  selector: {app: myapp, color: blue}",
                        "  ports:",
                        "  - port: 80",
                        "    targetPort: 8080",
                        ""),
                StandardCharsets.UTF_8);
        return file;
    }

    private static Set<String> endpointPods(String ns) throws Exception {
        String names =
                ok("-n", ns, "get", "endpoints", "myapp", "-o", "jsonpath={.subsets[*].addresses[*].targetRef.name}");
        return Arrays.stream(names.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    private static Set<String> podNames(String ns, String color) throws Exception {
        String names = ok("-n", ns, "get", "pods", "-l", "color=" + color, "-o", "jsonpath={.items[*].metadata.name}");
        return Arrays.stream(names.trim().split("\\s+"))
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toSet());
    }

    @Test
    void discoveryServesTheKindsAndShortNamesKubectlResolves() throws Exception {
        String resources = ok("api-resources");
        assertThat(resources)
                .contains(
                        "deployments",
                        "deploy",
                        "apps/v1",
                        "endpointslices",
                        "discovery.k8s.io/v1",
                        "leases",
                        "coordination.k8s.io/v1",
                        "horizontalpodautoscalers",
                        "autoscaling/v2");
        JsonNode version = Serialization.unmarshal(ok("version", "-o", "json"), JsonNode.class);
        assertThat(version.path("serverVersion").path("major").asText()).isEqualTo("1");
        assertThat(ok("api-versions")).contains("autoscaling/v1", "autoscaling/v2", "apps/v1");
    }

    @Test
    void applyGetPatchSelectorAndSeeEndpointsChangeColour() throws Exception {
        String ns = SIM.newNamespace();
        assertThat(ok("-n", ns, "apply", "-f", manifest(ns).toString()))
                .contains("deployment.apps/myapp-blue created", "service/myapp created");
        ok("-n", ns, "rollout", "status", "deployment/myapp-blue", "--timeout=20s");
        ok("-n", ns, "rollout", "status", "deployment/myapp-green", "--timeout=20s");
        String table = ok("-n", ns, "get", "svc,deploy,pods,endpoints");
        assertThat(table)
                .contains(
                        "service/myapp",
                        "NodePort",
                        "deployment.apps/myapp-blue",
                        "2/2",
                        "deployment.apps/myapp-green",
                        "3/3",
                        "endpoints/myapp",
                        "Running");
        JsonNode svc = Serialization.unmarshal(ok("-n", ns, "get", "svc", "myapp", "-o", "json"), JsonNode.class);
        assertThat(svc.path("spec").path("selector").path("color").asText()).isEqualTo("blue");
        await(Duration.ofSeconds(10), "blue endpoints", () -> {
            try {
                return endpointPods(ns).equals(podNames(ns, "blue"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        // strategic merge patch (kubectl's default) and merge patch both flip the selector
        ok("-n", ns, "patch", "svc", "myapp", "-p", "{\"spec\":{\"selector\":{\"color\":\"green\"}}}");
        assertThat(ok("-n", ns, "get", "svc", "myapp", "-o", "jsonpath={.spec.selector.color}"))
                .isEqualTo("green");
        assertThat(ok("-n", ns, "get", "svc", "myapp", "-o", "jsonpath={.spec.selector.app}"))
                .isEqualTo("myapp");
        await(Duration.ofSeconds(10), "green endpoints", () -> {
            try {
                return endpointPods(ns).equals(podNames(ns, "green"));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        ok(
                "-n",
                ns,
                "patch",
                "svc",
                "myapp",
                "--type",
                "merge",
                "-p",
                "{\"spec\":{\"selector\":{\"color\":\"blue\"}}}");
        assertThat(ok("-n", ns, "get", "svc", "myapp", "-o", "jsonpath={.spec.selector.color}"))
                .isEqualTo("blue");

        // re-applying the unchanged manifest is a no-op
        assertThat(ok("-n", ns, "apply", "-f", manifest(ns).toString()))
                .contains("deployment.apps/myapp-blue unchanged");
    }

    @Test
    void getPodsWatchStreamsEventsWhileScaling() throws Exception {
        String ns = SIM.newNamespace();
        ok("-n", ns, "apply", "-f", manifest(ns).toString());
        ok("-n", ns, "rollout", "status", "deployment/myapp-blue", "--timeout=20s");
        Path out = dir.resolve(ns + "-watch.txt");
        ProcessBuilder pb =
                new ProcessBuilder(kubectl, "-n", ns, "get", "pods", "-l", "color=blue", "-w", "--output-watch-events");
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.redirectOutput(out.toFile()).redirectErrorStream(true);
        Process watch = pb.start();
        try {
            await(Duration.ofSeconds(20), "initial listing", () -> podCountIn(out) >= 2);
            assertThat(ok("-n", ns, "scale", "deployment", "myapp-blue", "--replicas=4"))
                    .contains("scaled");
            ok("-n", ns, "rollout", "status", "deployment/myapp-blue", "--timeout=20s");
            Set<String> pods = podNames(ns, "blue");
            assertThat(pods).hasSize(4);
            await(Duration.ofSeconds(10), "watch saw the new pods become ready", () -> {
                String text = read(out);
                return pods.stream().allMatch(p -> text.lines().anyMatch(l -> l.contains(p) && l.contains("1/1")));
            });
            String text = read(out);
            assertThat(text).contains("ADDED", "MODIFIED", "Running");
        } finally {
            watch.destroy();
            watch.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void kubectlTrustsTheHttpsSimThroughItsKubeconfig() throws Exception {
        try (KubeSim https = KubeSim.builder().https(true).build().start()) {
            Path config = dir.resolve("https-kubeconfig");
            https.writeKubeconfig(config);
            ProcessBuilder pb = new ProcessBuilder(kubectl, "get", "namespaces", "-o", "name");
            pb.environment().put("KUBECONFIG", config.toString());
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out.trim()).isEqualTo("namespace/default");
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return "";
        }
    }

    private static long podCountIn(Path out) {
        return read(out).lines().filter(l -> l.contains("myapp-blue-")).count();
    }
}
