package io.jenkins.plugins.bluegreen.kubesim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A newcomer's kubectl session against kube-sim, command by command, with the output a real
 * cluster gives (fields and columns, not timestamps): kubectl's typed commands talk protobuf,
 * describe reads EndpointSlices and Events, rollout undo and history read ReplicaSet revisions.
 */
class KubectlEverydayTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @TempDir
    static Path dir;

    private static Kubectl kubectl;

    @BeforeAll
    static void findKubectl() {
        String binary = Kubectl.find();
        Assumptions.assumeTrue(binary != null, "kubectl is not installed");
        Path kubeconfig = dir.resolve("kubeconfig");
        SIM.sim().writeKubeconfig(kubeconfig);
        kubectl = new Kubectl(binary, kubeconfig, dir);
    }

    @Test
    void createExposeDescribeScaleSetImageUndoAndDelete() throws Exception {
        String ns = "shop-" + Long.toHexString(System.nanoTime());
        assertThat(kubectl.ok("create", "namespace", ns)).isEqualTo("namespace/" + ns + " created\n");
        assertThat(kubectl.ok("-n", ns, "create", "deployment", "web", "--image=nginx:1", "--replicas=2"))
                .isEqualTo("deployment.apps/web created\n");
        assertThat(kubectl.ok("-n", ns, "create", "service", "nodeport", "web", "--tcp=80:80"))
                .isEqualTo("service/web created\n");
        assertThat(kubectl.ok(
                        "-n",
                        ns,
                        "expose",
                        "deployment",
                        "web",
                        "--name",
                        "web-exposed",
                        "--port",
                        "80",
                        "--type",
                        "NodePort"))
                .isEqualTo("service/web-exposed exposed\n");
        assertThat(kubectl.ok("-n", ns, "wait", "--for=condition=available", "deployment/web", "--timeout=30s"))
                .isEqualTo("deployment.apps/web condition met\n");
        assertThat(kubectl.ok("-n", ns, "rollout", "status", "deployment/web", "--timeout=30s"))
                .contains("deployment \"web\" successfully rolled out");

        // describe service reads the EndpointSlices (an unnamed port used to crash it)
        String service = kubectl.ok("-n", ns, "describe", "service", "web-exposed");
        assertThat(service)
                .containsPattern("Type:\\s+NodePort")
                .containsPattern("Port:\\s+<unset>\\s+80/TCP")
                .containsPattern("TargetPort:\\s+80/TCP")
                .containsPattern("Endpoints:\\s+10\\.244\\.\\d+\\.\\d+:80,")
                .containsPattern("Events:\\s+<none>");
        assertThat(kubectl.ok("-n", ns, "describe", "service", "web")).containsPattern("Port:\\s+80-80\\s+80/TCP");

        String deployment = kubectl.ok("-n", ns, "describe", "deployment", "web");
        assertThat(deployment)
                .containsPattern("Replicas:\\s+2 desired \\| 2 updated \\| 2 total \\| 2 available")
                .containsPattern("Normal\\s+ScalingReplicaSet\\s+\\S+\\s+deployment-controller\\s+"
                        + "Scaled up replica set web-\\w+ from 0 to 2");

        assertThat(kubectl.ok("-n", ns, "scale", "deployment", "web", "--replicas=3"))
                .isEqualTo("deployment.apps/web scaled\n");
        kubectl.ok("-n", ns, "rollout", "status", "deployment/web", "--timeout=30s");
        assertThat(kubectl.ok("-n", ns, "describe", "deployment", "web"))
                .containsPattern("Scaled up replica set web-\\w+ from 2 to 3");

        assertThat(kubectl.ok("-n", ns, "set", "image", "deployment/web", "nginx=nginx:2"))
                .isEqualTo("deployment.apps/web image updated\n");
        kubectl.ok("-n", ns, "annotate", "deployment", "web", "kubernetes.io/change-cause=nginx 2");
        kubectl.ok("-n", ns, "rollout", "status", "deployment/web", "--timeout=30s");
        assertThat(lines(kubectl.ok("-n", ns, "rollout", "history", "deployment/web")))
                .containsSubsequence("REVISION  CHANGE-CAUSE", "1         <none>", "2         nginx 2");
        assertThat(kubectl.ok("-n", ns, "rollout", "undo", "deployment/web"))
                .isEqualTo("deployment.apps/web rolled back\n");
        kubectl.ok("-n", ns, "rollout", "status", "deployment/web", "--timeout=30s");
        assertThat(
                        kubectl.ok(
                                "-n",
                                ns,
                                "get",
                                "deployment",
                                "web",
                                "-o",
                                "jsonpath={.spec.template.spec.containers[0].image} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}"))
                .isEqualTo("nginx:1 3");
        // revision 1 became revision 3; the undo took its (absent) change-cause back
        assertThat(lines(kubectl.ok("-n", ns, "rollout", "history", "deployment/web")))
                .containsSubsequence("REVISION  CHANGE-CAUSE", "2         nginx 2", "3         <none>");

        List<String> endpoints = lines(kubectl.ok("-n", ns, "get", "endpoints", "web-exposed"));
        assertThat(endpoints.get(0)).matches("NAME\\s+ENDPOINTS\\s+AGE");
        assertThat(endpoints.get(1)).matches("web-exposed\\s+10\\.244\\.\\S+:80,\\S+:80,\\S+:80\\s+\\S+");

        List<String> slices =
                lines(kubectl.ok("-n", ns, "get", "endpointslices", "-l", "kubernetes.io/service-name=web-exposed"));
        assertThat(slices.get(0)).matches("NAME\\s+ADDRESSTYPE\\s+PORTS\\s+ENDPOINTS\\s+AGE");
        assertThat(slices.get(1)).matches("web-exposed-\\w+\\s+IPv4\\s+80\\s+10\\.244\\.\\S+,\\S+,\\S+\\s+\\S+");
        JsonNode slice = Json.mapper()
                .readTree(kubectl.ok(
                        "-n",
                        ns,
                        "get",
                        "endpointslices",
                        "-l",
                        "kubernetes.io/service-name=web-exposed",
                        "-o",
                        "json"))
                .path("items")
                .get(0);
        assertThat(slice.path("addressType").asText()).isEqualTo("IPv4");
        assertThat(slice.path("metadata")
                        .path("labels")
                        .path("endpointslice.kubernetes.io/managed-by")
                        .asText())
                .isEqualTo("endpointslice-controller.k8s.io");
        assertThat(slice.path("ports").get(0).has("name")).isTrue();
        assertThat(slice.path("ports").get(0).path("name").asText()).isEmpty();
        assertThat(slice.path("endpoints").get(0).path("conditions").toString())
                .isEqualTo("{\"ready\":true,\"serving\":true,\"terminating\":false}");

        List<String> events = lines(kubectl.ok("-n", ns, "get", "events"));
        assertThat(events.get(0)).matches("LAST SEEN\\s+TYPE\\s+REASON\\s+OBJECT\\s+MESSAGE");
        assertThat(String.join("\n", events))
                .containsPattern(
                        "Normal\\s+ScalingReplicaSet\\s+deployment/web\\s+Scaled up replica set web-\\w+ from 0 to 2")
                .containsPattern("Normal\\s+SuccessfulCreate\\s+replicaset/web-\\w+\\s+Created pod: web-\\w+-\\w+")
                .containsPattern("Normal\\s+SuccessfulDelete\\s+replicaset/web-\\w+\\s+Deleted pod: web-\\w+-\\w+")
                .containsPattern("Normal\\s+Scheduled\\s+pod/web-\\w+-\\w+\\s+Successfully assigned " + ns
                        + "/web-\\w+-\\w+ to kube-sim-node")
                .containsPattern("Normal\\s+Pulled\\s+pod/web-\\w+-\\w+\\s+Successfully pulled image \"nginx:2\" in ")
                .containsPattern("Normal\\s+Started\\s+pod/web-\\w+-\\w+\\s+Started container nginx");

        assertThat(kubectl.ok("-n", ns, "delete", "deployment", "web", "--wait"))
                .isEqualTo("deployment.apps \"web\" deleted\n");
        Fixtures.await(Duration.ofSeconds(10), "the pods to go", () -> {
            try {
                return kubectl.run("-n", ns, "get", "pods").err().contains("No resources found");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(kubectl.ok("delete", "namespace", ns, "--wait")).isEqualTo("namespace \"" + ns + "\" deleted\n");
    }

    @Test
    void aFailingImagePullIsDescribedAsTheKubeletReportsIt() throws Exception {
        String ns = SIM.newNamespace();
        SIM.sim().scripts().image("172.16.80.140/myapp/myapp:v1", PodScript.IMAGE_PULL_ERROR);
        kubectl.ok("-n", ns, "create", "deployment", "myapp", "--image=172.16.80.140/myapp/myapp:v1");
        Fixtures.await(Duration.ofSeconds(10), "the back-off", () -> {
            try {
                return kubectl.ok("-n", ns, "get", "events").contains("BackOff");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        String pod = kubectl.ok("-n", ns, "get", "pods", "-o", "jsonpath={.items[0].metadata.name}");
        String described = kubectl.ok("-n", ns, "describe", "pod", pod);
        assertThat(described)
                .containsPattern(
                        "Normal\\s+Pulling\\s+\\S+\\s+kubelet\\s+Pulling image \"172.16.80.140/myapp/myapp:v1\"")
                .containsPattern(
                        "Warning\\s+Failed\\s+\\S+\\s+kubelet\\s+Failed to pull image \"172.16.80.140/myapp/myapp:v1\": "
                                + "failed to pull and unpack image \"172.16.80.140/myapp/myapp:v1\"")
                .containsPattern("Warning\\s+Failed\\s+\\S+\\s+kubelet\\s+Error: ErrImagePull")
                .containsPattern(
                        "Normal\\s+BackOff\\s+\\S+\\s+kubelet\\s+Back-off pulling image \"172.16.80.140/myapp/myapp:v1\"")
                .containsPattern("Warning\\s+Failed\\s+\\S+\\s+kubelet\\s+Error: ImagePullBackOff")
                .doesNotContain("docker.io");
    }

    @Test
    void aCrashAfterPodIsRunningFirstThenCrashLoopBackOffInGetPods() throws Exception {
        String ns = SIM.newNamespace();
        SIM.sim().scripts().image("example.org/myapp:late-crash", PodScript.crashAfter(Duration.ofMillis(400)));
        // watched from before the pod exists, so every status it passes through is a row of its own; polling
        // get pods could miss the 400 ms of Running on a loaded machine
        Path rows = dir.resolve(ns + "-pods.txt");
        Process watch = kubectl.start(rows, "-n", ns, "get", "pods", "--watch", "--no-headers");
        List<String> statuses = new ArrayList<>();
        try {
            Fixtures.await(
                    Duration.ofSeconds(20),
                    "kubectl watching the namespace's pods",
                    () -> SIM.sim().requests().count("watch", "/api/v1/namespaces/" + ns + "/pods") > 0);
            kubectl.ok("-n", ns, "create", "deployment", "myapp", "--image=example.org/myapp:late-crash");
            Fixtures.await(Duration.ofSeconds(20), "CrashLoopBackOff with restarts", () -> {
                statuses.clear();
                // NAME READY STATUS RESTARTS AGE, as a person reads it
                String text;
                try {
                    text = Files.readString(rows);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                for (String row : lines(text)) {
                    String[] cols = row.trim().split("\\s+");
                    if (cols.length < 4) {
                        continue;
                    }
                    String seen = cols[1] + " " + cols[2];
                    if (statuses.isEmpty() || !statuses.get(statuses.size() - 1).equals(seen)) {
                        statuses.add(seen);
                    }
                    if (cols[2].equals("CrashLoopBackOff") && !cols[3].equals("0")) {
                        return true;
                    }
                }
                return false;
            });
        } finally {
            watch.destroy();
            watch.waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(statuses).containsSubsequence("1/1 Running", "0/1 CrashLoopBackOff");
        assertThat(kubectl.ok("-n", ns, "get", "events")).contains("Back-off restarting failed container");
    }

    private static List<String> lines(String out) {
        return out.lines().map(String::stripTrailing).toList();
    }
}
