package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimCommandTest {

    private static final Pattern READY =
            Pattern.compile("(?m)^ready: kube-sim at (\\S+), kubeconfig (.+), (RBAC (?:off|enforced).*)$");

    @Test
    void printsReadyServesAndStopsCleanly(@TempDir Path tmp) throws Exception {
        Path kubeconfig = tmp.resolve("sim.kubeconfig");
        CliRun.Running sim = CliRun.start(
                Map.of(), "sim", "--port", "0", "--kubeconfig-out", kubeconfig.toString(), "--ready-delay", "100ms");

        assertThat(sim.awaitOutput("ready: "))
                .as("no ready line:%n%s", sim.out())
                .isTrue();
        Matcher ready = READY.matcher(sim.out());
        assertThat(ready.find()).as(sim.out()).isTrue();
        String url = ready.group(1);
        assertThat(Path.of(ready.group(2))).isEqualTo(kubeconfig.toAbsolutePath());
        assertThat(ready.group(3)).isEqualTo("RBAC off (any token may do anything; --rbac enforces it)");

        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> version = http.send(
                HttpRequest.newBuilder(URI.create(url + "/version")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(version.statusCode()).isEqualTo(200);
        assertThat(version.body()).contains("gitVersion");

        // the kubeconfig it wrote is one the CLI's own options accept, and it reaches this sim
        ClusterOptions options = new ClusterOptions();
        options.kubeconfig = kubeconfig;
        Cluster cluster = options.resolve();
        assertThat(cluster.server()).isEqualTo(url + "/");
        try (KubernetesClient client = cluster.connect()) {
            assertThat(client.namespaces().withName("default").get()).isNotNull();
        }

        CliRun.Result stopped = sim.interruptAndWait();
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
        assertThat(stopped.out()).contains("kube-sim stopped");
        // a new client, so the request needs a new connection: the first one (upgraded to HTTP/2) may still sit in
        // the old client's pool, and a send on it fails with the server's GOAWAY instead of a refused connection
        HttpClient afterStop = HttpClient.newHttpClient();
        assertThatThrownBy(() -> afterStop.send(
                        HttpRequest.newBuilder(URI.create(url + "/version")).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void rbacFlagBindsTheDocumentedRoleToTheKubeconfigsUser(@TempDir Path tmp) throws Exception {
        Path kubeconfig = tmp.resolve("sim.kubeconfig");
        CliRun.Running sim = CliRun.start(
                Map.of(), "sim", "--rbac", "--kubeconfig-out", kubeconfig.toString(), "--ready-delay", "50ms");
        assertThat(sim.awaitOutput("ready: "))
                .as("no ready line:%n%s", sim.out())
                .isTrue();
        Matcher ready = READY.matcher(sim.out());
        assertThat(ready.find()).as(sim.out()).isTrue();
        assertThat(ready.group(3))
                .isEqualTo("RBAC enforced for system:serviceaccount:ci:jenkins (docs/rbac.yaml in namespace default)");
        assertThat(sim.out()).contains("kubectl get deployments");

        ClusterOptions options = new ClusterOptions();
        options.kubeconfig = kubeconfig;
        try (KubernetesClient client = options.resolve().connect()) {
            // what docs/rbac.yaml grants works, in the kubeconfig's namespace
            assertThat(client.apps().deployments().inNamespace("default").list().getItems())
                    .isEmpty();
            assertThat(client.namespaces().withName("default").get()).isNotNull(); // the optional ClusterRole
            // and nothing more
            assertThatThrownBy(() -> client.secrets().inNamespace("default").list())
                    .isInstanceOf(io.fabric8.kubernetes.client.KubernetesClientException.class)
                    .hasMessageContaining("forbidden")
                    .hasMessageContaining("system:serviceaccount:ci:jenkins");
            assertThatThrownBy(() -> client.apps()
                            .deployments()
                            .inNamespace("kube-system")
                            .list())
                    .hasMessageContaining("forbidden");
        }
        CliRun.Result stopped = sim.interruptAndWait();
        assertThat(stopped.exitCode()).as(stopped.toString()).isZero();
    }

    @Test
    void helpSaysWhatRbacDoes() {
        CliRun.Result help = CliRun.run("sim", "--help");
        assertThat(help.out())
                .contains(
                        "--rbac",
                        "ServiceAccount ci/jenkins",
                        "docs/rbac.yaml",
                        "Without --rbac any token is accepted");
    }

    @Test
    void portThatIsTakenFailsWithExit1(@TempDir Path tmp) throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            CliRun.Result r = CliRun.run(
                    "sim",
                    "--port",
                    String.valueOf(taken.getLocalPort()),
                    "--kubeconfig-out",
                    tmp.resolve("kc").toString());
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err()).startsWith("error: cannot start kube-sim on port " + taken.getLocalPort());
            assertThat(Files.exists(tmp.resolve("kc"))).isFalse();
        }
    }

    @Test
    void badPortOrDelayIsInvalidInput() {
        CliRun.Result port = CliRun.run("sim", "--port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("--port 70000");
        CliRun.Result delay = CliRun.run("sim", "--ready-delay", "-1s");
        assertThat(delay.exitCode()).isEqualTo(2);
        assertThat(delay.err()).contains("--ready-delay");
    }
}
