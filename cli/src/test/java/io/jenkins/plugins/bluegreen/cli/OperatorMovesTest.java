package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operators do between releases, as a person at a terminal would: {@code kubectl apply} of the team's manifests
 * and the CLI, judged by what users get — the Service's endpoints — and by the exit code.
 */
class OperatorMovesTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    static final Path SEED = Path.of("..", "examples", "myapp-seed.yaml");

    @TempDir
    Path tmp;

    SimCli cli;
    KubernetesClient client;
    String kubectl;

    @BeforeEach
    void seedWithKubectl() throws Exception {
        kubectl = Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                .map(p -> Path.of(p, "kubectl"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed");
        cli = new SimCli(SIM, tmp, SIM.newNamespace());
        client = SIM.client();
        kubectl("apply", "-f", SEED.toString());
        client.apps()
                .deployments()
                .inNamespace(cli.namespace())
                .withName("myapp-v1")
                .waitUntilCondition(
                        d -> d != null
                                && d.getStatus() != null
                                && Integer.valueOf(10).equals(d.getStatus().getReadyReplicas()),
                        30,
                        TimeUnit.SECONDS);
    }

    /** The seed's NodePort is cluster-wide: the next test's seed needs it free. */
    @AfterEach
    void freeTheNodePort() {
        if (cli == null) {
            return; // skipped: no kubectl
        }
        client.services().inNamespace(cli.namespace()).withName("myapp").delete();
        client.services()
                .inNamespace(cli.namespace())
                .withName("myapp")
                .waitUntilCondition(s -> s == null, 20, TimeUnit.SECONDS);
    }

    @Test
    void aReappliedServiceManifestIsReportedByStatusAndRepairedBySwitchRollbackAndTheNextSwitch() throws Exception {
        ok("deploy", "--app", "myapp", "--image", "example.org/myapp:2.0");
        ok("switch", "--app", "myapp", "--approved-by", "alice", "--scale-down-delay", "0");
        assertThat(readyEndpointPods()).hasSize(10).allMatch(p -> p.startsWith("myapp-green-"));

        // the team's repo is applied again: kubectl's three-way merge puts version=v1 back into the selector
        kubectl("apply", "-f", SEED.toString());
        assertThat(kubectl("get", "svc", "myapp", "-o", "jsonpath={.spec.selector}"))
                .contains("\"version\":\"v1\"");
        awaitNoReadyEndpoints();

        CliRun.Result status = cli.run("status", "--app", "myapp");
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
        assertThat(status.out()).contains("NOT SERVING", "endpoints  none");
        assertThat(status.err())
                .contains("selects no ready pods of green", "selector key version=v1 matches no pod of green");
        CliRun.Result json = cli.run("status", "--app", "myapp", "-o", "json");
        assertThat(json.exitCode()).as(json.toString()).isEqualTo(1);
        JsonNode doc = new ObjectMapper().readTree(json.out());
        assertThat(doc.get("serving").asBoolean()).isFalse();
        assertThat(doc.get("endpoints")).isEmpty();
        assertThat(doc.get("problem").asText()).contains("version=v1");

        CliRun.Result repair = cli.run("switch", "--app", "myapp", "--to", "green");
        assertThat(repair.exitCode()).as(repair.toString()).isZero();
        assertThat(repair.out() + repair.err())
                .doesNotContain("nothing to do")
                .contains("removed stray selector key version=v1", "reaches green's pods again");
        assertThat(readyEndpointPods()).hasSize(10).allMatch(p -> p.startsWith("myapp-green-"));
        CliRun.Result fine = cli.run("status", "--app", "myapp", "-o", "json");
        assertThat(fine.exitCode()).as(fine.toString()).isZero();
        assertThat(new ObjectMapper().readTree(fine.out()).get("endpoints"))
                .hasSize(10)
                .allSatisfy(e -> assertThat(e.get("color").asText()).isEqualTo("green"));

        // again, then a rollback and a new switch: each write leaves the Service on the target's ready pods
        kubectl("apply", "-f", SEED.toString());
        ok("rollback", "--app", "myapp");
        assertThat(readyEndpointPods()).hasSize(10).allMatch(p -> p.startsWith("myapp-blue-"));
        kubectl("apply", "-f", SEED.toString());
        CliRun.Result again =
                ok("switch", "--app", "myapp", "--to", "green", "--approved-by", "alice", "--scale-down-delay", "0");
        assertThat(again.out()).contains("now selects green", "reaches 10 ready pods of green");
        assertThat(readyEndpointPods()).hasSize(10).allMatch(p -> p.startsWith("myapp-green-"));
        assertThat(kubectl("get", "svc", "myapp", "-o", "jsonpath={.spec.selector}"))
                .doesNotContain("version");
    }

    @Test
    void thePreviewSelectsTheIdleColourOnlyOnceHealthyAndTheLiveColourAfterEveryOtherOperation() throws Exception {
        ok("deploy", "--app", "myapp", "--image", "example.org/myapp:2.0", "--preview-service", "myapp-preview");
        awaitEndpoints("myapp-preview", "myapp-green-");
        ok("switch", "--app", "myapp", "--approved-by", "alice", "--scale-down-delay", "0");
        awaitEndpoints("myapp-preview", "myapp-green-");

        // (b) back to the adopted blue, which was deployed without the preview: the preview follows
        ok("rollback", "--app", "myapp");
        awaitEndpoints("myapp-preview", "myapp-blue-");
        // the next deploy rewrites green: its smoke tests never reach the rolled-back release or half a rollout
        ok(
                "deploy",
                "--app",
                "myapp",
                "--image",
                "example.org/myapp:3.0",
                "--preview-service",
                "myapp-preview",
                "--no-wait");
        assertThat(allEndpointPods("myapp-preview")).noneMatch(p -> p.startsWith("myapp-green-"));
        ok("await", "--app", "myapp");
        awaitEndpoints("myapp-preview", "myapp-green-");

        // (a) abandoned: the preview does not stay on the colour scaled to zero
        ok("rollback", "--app", "myapp");
        awaitEndpoints("myapp-preview", "myapp-blue-");
    }

    @Test
    void theAutoscalerFollowsTheLiveColourThroughAdoptionSwitchRollbackAndAbandon() throws Exception {
        Path hpa = tmp.resolve("hpa.yaml");
        Files.writeString(
                hpa,
                String.join(
                        "\n",
                        "apiVersion: autoscaling/v2",
                        "kind: HorizontalPodAutoscaler",
                        "metadata: {name: myapp}",
                        "spec:",
                        "  minReplicas: 2",
                        "  maxReplicas: 20",
                        "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: myapp-v1}",
                        ""));
        kubectl("apply", "-f", hpa.toString());

        ok("deploy", "--app", "myapp", "--image", "example.org/myapp:2.0");
        assertThat(hpaTarget()).isEqualTo("myapp-blue");
        ok("switch", "--app", "myapp", "--approved-by", "alice", "--scale-down-delay", "0");
        assertThat(hpaTarget()).isEqualTo("myapp-green");
        ok("rollback", "--app", "myapp");
        assertThat(hpaTarget()).isEqualTo("myapp-blue");
        ok("deploy", "--app", "myapp", "--image", "example.org/myapp:3.0");
        assertThat(hpaTarget()).as("the unapproved colour is not autoscaled").isEqualTo("myapp-blue");
        ok("rollback", "--app", "myapp");
        assertThat(hpaTarget()).isEqualTo("myapp-blue");
    }

    /**
     * The approver copies the revision deploy printed; meanwhile someone runs kubectl set image on the colour they are
     * looking at. The switch held to what was approved refuses: exit 1, both revisions named, users still on blue.
     */
    @Test
    void aSwitchHeldToTheApprovedRevisionRefusesAColourSomeoneSetAnImageOn() throws Exception {
        CliRun.Result deployed = ok("deploy", "--app", "myapp", "--image", "example.org/myapp:2.0");
        String approved = testedRevision(deployed);
        List<String> blueEndpoints = readyEndpointPods();
        String serviceBefore = kubectl("get", "svc", "myapp", "-o", "json");

        kubectl("set", "image", "deployment/myapp-green", "myapp=example.org/myapp:2.1");
        kubectl("rollout", "status", "deployment/myapp-green", "--timeout=60s");
        CliRun.Result refused =
                cli.run("switch", "--app", "myapp", "--approved-by", "alice", "--expect-revision", approved);

        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err())
                .contains(
                        "not switching to green",
                        approved,
                        "pod template changed",
                        "kubectl set image",
                        "bluegreen await --app myapp --color green",
                        "nothing was changed");
        assertThat(readyEndpointPods())
                .containsExactlyInAnyOrderElementsOf(blueEndpoints)
                .allMatch(p -> p.startsWith("myapp-blue-"));
        assertThat(kubectl("get", "svc", "myapp", "-o", "json")).isEqualTo(serviceBefore);

        // what await prints now is the colour as it is: approving that one goes through
        CliRun.Result awaited = ok("await", "--app", "myapp", "--color", "green");
        String now = testedRevision(awaited);
        assertThat(now).isNotEqualTo(approved);
        assertThat(refused.err()).contains(now);
        assertThat(ok("switch", "--app", "myapp", "--expect-revision", now, "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        assertThat(readyEndpointPods()).hasSize(10).allMatch(p -> p.startsWith("myapp-green-"));
    }

    @Test
    void theRevisionDeployPrintedSwitchesAndStatusShowsItBesideTheApprover() throws Exception {
        CliRun.Result deployed = ok("deploy", "--app", "myapp", "--image", "example.org/myapp:2.0");
        String approved = testedRevision(deployed);
        assertThat(deployed.out()).contains("bluegreen switch --app myapp --to green --expect-revision " + approved);

        CliRun.Result switched = cli.run(
                "switch",
                "--app",
                "myapp",
                "--approved-by",
                "alice",
                "--expect-revision",
                approved,
                "--scale-down-delay",
                "0");

        assertThat(switched.exitCode()).as(switched.toString()).isZero();
        assertThat(readyEndpointPods()).hasSize(10).allMatch(p -> p.startsWith("myapp-green-"));
        assertThat(ok("status", "--app", "myapp").out())
                .contains("switch   -> green revision 2.0 (" + approved + "), approved by alice");
        JsonNode head = new ObjectMapper()
                .readTree(ok("status", "--app", "myapp", "-o", "json").out())
                .get("history")
                .get(0);
        assertThat(head.get("testedRevision").asText()).isEqualTo(approved);
        assertThat(head.get("imageDigests").get(0).asText()).isEqualTo(approved.substring(approved.indexOf('@') + 1));
        assertThat(kubectl(
                        "get",
                        "svc",
                        "myapp",
                        "-o",
                        "jsonpath={.metadata.annotations.bluegreen\\.jenkins\\.io/history}"))
                .contains("\"podTemplateHash\":\"" + approved.substring(0, approved.indexOf('@')) + "\"");
    }

    @Test
    void aGarbledExpectRevisionIsBadInputNamingTheFlagAndItsForm() throws Exception {
        ok("deploy", "--app", "myapp", "--image", "example.org/myapp:2.0");
        String before = Seed.quiescentDump(client, cli.namespace());

        for (String garbled : List.of("2.0", "abc@sha256:nothex", "sha256:" + "a".repeat(64))) {
            CliRun.Result r = cli.run("switch", "--app", "myapp", "--expect-revision", garbled);
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            assertThat(r.err())
                    .contains(
                            "--expect-revision",
                            "is not a revision",
                            "<pod-template-hash>@<digest>",
                            "tested revision");
        }
        assertThat(Seed.dump(client, cli.namespace())).isEqualTo(before);
        assertThat(readyEndpointPods()).allMatch(p -> p.startsWith("myapp-blue-"));
    }

    /** The revision on deploy's or await's {@code tested revision:} line. */
    private static String testedRevision(CliRun.Result r) {
        return r.out()
                .lines()
                .filter(l -> l.startsWith("tested revision: "))
                .findFirst()
                .map(l -> l.substring("tested revision: ".length()).trim())
                .orElseThrow(() -> new AssertionError("no tested revision line in " + r));
    }

    private String hpaTarget() throws Exception {
        return kubectl("get", "hpa", "myapp", "-o", "jsonpath={.spec.scaleTargetRef.name}")
                .trim();
    }

    /** Waits until the Service's endpoints are all ready and all named {@code prefix}… (the controller's step). */
    private void awaitEndpoints(String service, String prefix) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            List<String> all = allEndpointPods(service);
            List<String> ready = readyEndpointPods(service);
            if (!all.isEmpty() && all.size() == ready.size() && all.stream().allMatch(p -> p.startsWith(prefix))) {
                return;
            }
            assertThat(System.nanoTime() < deadline)
                    .as("%s's endpoints %s become %s* only", service, all, prefix)
                    .isTrue();
            Thread.sleep(100);
        }
    }

    private List<String> allEndpointPods(String service) throws Exception {
        String out = kubectl(
                "get",
                "endpointslices",
                "-l",
                "kubernetes.io/service-name=" + service,
                "-o",
                "jsonpath={range .items[*].endpoints[*]}{.targetRef.name}{\"\\n\"}{end}");
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private CliRun.Result ok(String... args) {
        CliRun.Result r = cli.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    /** The pods users reach, as kubectl shows them. */
    private List<String> readyEndpointPods() throws Exception {
        return readyEndpointPods("myapp");
    }

    private List<String> readyEndpointPods(String service) throws Exception {
        String out = kubectl(
                "get",
                "endpointslices",
                "-l",
                "kubernetes.io/service-name=" + service,
                "-o",
                "jsonpath={range .items[*].endpoints[?(@.conditions.ready==true)]}{.targetRef.name}{\"\\n\"}{end}");
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private void awaitNoReadyEndpoints() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!readyEndpointPods().isEmpty()) {
            assertThat(System.nanoTime() < deadline)
                    .as("the endpoints emptied after the re-apply")
                    .isTrue();
            Thread.sleep(100);
        }
    }

    private String kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(kubectl, "--kubeconfig", cli.kubeconfig().toString(), "-n", cli.namespace()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "kubectl", ".out");
        Path err = Files.createTempFile(tmp, "kubectl", ".err");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(out.toFile())
                .redirectError(err.toFile())
                .start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " hung");
        }
        assertThat(p.exitValue())
                .as("kubectl %s: %s", String.join(" ", args), Files.readString(err))
                .isZero();
        return Files.readString(out);
    }
}
