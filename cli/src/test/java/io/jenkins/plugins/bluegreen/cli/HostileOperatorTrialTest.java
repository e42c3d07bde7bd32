package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import io.jenkins.plugins.bluegreen.kubesim.RequestGate;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The findings of a hostile operator trial, replayed from the operator's chair: the CLI as a person runs it, kubectl for
 * the hand moves (replace, patch, scale, delete), judged by exit codes, messages and the Service's EndpointSlices as
 * kubectl shows them. Interleavings are forced with kube-sim's request gates, never with sleeps.
 */
class HostileOperatorTrialTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    static final Map<String, String> PERSON = Map.of("USER", "tester");

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();
    String ns;
    String kubectl;
    Process process;

    @BeforeEach
    void seed() {
        kubectl = Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                .map(p -> Path.of(p, "kubectl"))
                .filter(Files::isExecutable)
                .map(Path::toString)
                .findFirst()
                .orElse(null);
        Assumptions.assumeTrue(kubectl != null, "kubectl is not installed");
        cli = SimCli.seeded(SIM, tmp, 2);
        ns = cli.namespace();
    }

    @AfterEach
    void cleanUp() {
        SIM.sim().faults().clear();
        if (process != null) {
            process.destroyForcibly();
        }
    }

    // 1 -------------------------------------------------------------------------------------------------------------

    @Test
    void aReplacedServiceWithTheColourPatchedBackIsNotRolledBackOnAHistoryItLost() throws Exception {
        releasedToGreen();
        replaceServiceWithAppSelectorOnly();
        kubectl(
                "patch",
                "svc",
                "myapp",
                "--type",
                "merge",
                "-p",
                "{\"spec\":{\"selector\":{\"bluegreen.jenkins.io/color\":\"blue\"}}}");
        assertThat(readyEndpointColours("blue")).isEqualTo(Map.of("blue", 2));
        String before = Seed.quiescentDump(client, ns);

        CliRun.Result rollback = asPerson("rollback", "--app", "myapp");
        assertThat(rollback.exitCode()).as(rollback.toString()).isEqualTo(1);
        assertThat(rollback.err())
                .contains(
                        "not rolling back",
                        "carries no bluegreen.jenkins.io/active-color",
                        "myapp-green (2.0, 2 replicas) may be the release that was serving",
                        "bluegreen switch --app myapp --to blue",
                        "nothing was changed");
        CliRun.Result abandon = asPerson("abandon", "--app", "myapp");
        assertThat(abandon.exitCode()).as(abandon.toString()).isEqualTo(1);
        assertThat(abandon.err()).contains("not abandoning myapp-green", "bluegreen switch --app myapp --to blue");
        CliRun.Result unnamed = asPerson("switch", "--app", "myapp");
        assertThat(unnamed.exitCode()).as(unnamed.toString()).isEqualTo(1);
        assertThat(Seed.dump(client, ns)).as("nothing written").isEqualTo(before);
        assertThat(replicas("myapp-green")).isEqualTo(2);

        // the fix the message names: the person says which colour serves, and it is recorded again
        CliRun.Result recorded = asPerson("switch", "--app", "myapp", "--to", "blue", "--approved-by", "alice");
        assertThat(recorded.exitCode()).as(recorded.toString()).isZero();
        Service service = client.services().inNamespace(ns).withName("myapp").get();
        assertThat(service.getMetadata().getAnnotations())
                .containsEntry("bluegreen.jenkins.io/active-color", "blue")
                .doesNotContainKey("bluegreen.jenkins.io/previous-color");
        assertThat(readyEndpointColours("blue")).isEqualTo(Map.of("blue", 2));
        assertThat(replicas("myapp-green")).as("the colour that served is kept").isEqualTo(2);
        // what went before is not known, so there is nothing to roll back to without a name
        CliRun.Result nothing = asPerson("rollback", "--app", "myapp");
        assertThat(nothing.exitCode()).as(nothing.toString()).isEqualTo(1);
        assertThat(replicas("myapp-green")).isEqualTo(2);
        assertThat(asPerson("switch", "--app", "myapp", "--to", "green").exitCode())
                .isZero();
        assertThat(readyEndpointColours("green")).isEqualTo(Map.of("green", 2));
    }

    // 2 -------------------------------------------------------------------------------------------------------------

    @Test
    void aServiceSelectingOnlyTheAppIsNotServingAndANamedSwitchPutsTheColourKeyBack() throws Exception {
        releasedToGreen();
        replaceServiceWithAppSelectorOnly();
        awaitReadyEndpoints(c -> c.containsKey("blue") && c.containsKey("green") && c.containsKey("none"));

        CliRun.Result status = asPerson("status", "--app", "myapp");
        assertThat(status.exitCode()).as(status.toString()).isEqualTo(1);
        assertThat(status.err())
                .contains(
                        "no bluegreen.jenkins.io/color key",
                        "endpoints span both colours",
                        "2 ready pods of blue, 2 of green, 2 of no colour",
                        "bluegreen switch --app myapp --to blue");
        String before = Seed.quiescentDump(client, ns);
        for (String[] command : new String[][] {
            {"deploy", "--app", "myapp", "--image", "example.org/myapp:3.0"},
            {"rollback", "--app", "myapp"},
            {"switch", "--app", "myapp"},
            {"abandon", "--app", "myapp"}
        }) {
            CliRun.Result refused = asPerson(command);
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err())
                    .as(refused.toString())
                    .contains("selects the pods of both colours", "bluegreen switch --app myapp --to blue");
        }
        assertThat(Seed.dump(client, ns)).as("nothing written").isEqualTo(before);

        CliRun.Result adopted = asPerson("switch", "--app", "myapp", "--to", "green", "--approved-by", "alice");
        assertThat(adopted.exitCode()).as(adopted.toString()).isZero();
        assertThat(adopted.out()).contains("now selects green", "reaches 2 ready pods of green");
        assertThat(readyEndpointColours("green")).isEqualTo(Map.of("green", 2));
        assertThat(asPerson("status", "--app", "myapp").exitCode()).isZero();
    }

    // 3 -------------------------------------------------------------------------------------------------------------

    @Test
    void aColourScaledDownByHandDuringTheHealthWaitIsNotHealthyAndIsNotSwitchedTo() throws Exception {
        releasedToGreen();
        // the deploy's health wait starts with a list of pods: held there while the person scales by hand
        RequestGate healthWait = gate("list", "/api/v1/namespaces/" + ns + "/pods", null);
        CliRun.Running deploy =
                CliRun.start(PERSON, withCluster("deploy", "--app", "myapp", "--image", "example.org/myapp:3.0"));
        assertThat(healthWait.awaitArrival(Duration.ofSeconds(45)))
                .as(deploy.out())
                .isTrue();
        kubectl("scale", "deployment", "myapp-blue", "--replicas=1");
        awaitRolledOut("myapp-blue", 1);
        healthWait.open();
        CliRun.Result deployed = deploy.await();
        assertThat(deployed.exitCode()).as(deployed.toString()).isEqualTo(1);
        assertThat(deployed.err())
                .contains(
                        "ScaledBelowRelease",
                        "scaled to 1 of the 2 replicas this deploy asked for",
                        "kubectl -n " + ns + " scale deployment myapp-blue --replicas=2");
        assertThat(deployed.out()).doesNotContain("healthy:");

        String before = Seed.quiescentDump(client, ns);
        CliRun.Result refused = asPerson("switch", "--app", "myapp");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err())
                .contains(
                        "runs 1 replica (1 ready) but its release asked for 2",
                        "scale deployment myapp-blue --replicas=2",
                        "bluegreen await --app myapp --color blue");
        assertThat(Seed.dump(client, ns)).as("nothing written").isEqualTo(before);
        assertThat(readyEndpointColours("green")).isEqualTo(Map.of("green", 2));

        // the fix, as said
        kubectl("scale", "deployment", "myapp-blue", "--replicas=2");
        assertThat(asPerson("await", "--app", "myapp", "--color", "blue").exitCode())
                .isZero();
        CliRun.Result switched = asPerson("switch", "--app", "myapp", "--scale-down-delay", "0");
        assertThat(switched.exitCode()).as(switched.toString()).isZero();
        assertThat(readyEndpointColours("blue")).isEqualTo(Map.of("blue", 2));
    }

    // 4 -------------------------------------------------------------------------------------------------------------

    @Test
    void ctrlCDuringADeployAdvisesCommandsThatWorkWhenRunVerbatim() throws Exception {
        releasedToGreen();
        RequestGate healthWait = gate("list", "/api/v1/namespaces/" + ns + "/pods", null);
        Process deploy = startProcess("deploy", "--app", "myapp", "--image", "example.org/myapp:3.0");
        assertThat(healthWait.awaitArrival(Duration.ofSeconds(45))).as(output()).isTrue();
        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(deploy.pid()))
                        .start()
                        .waitFor())
                .isZero();
        assertThat(deploy.waitFor(30, TimeUnit.SECONDS)).isTrue();
        healthWait.open();
        assertThat(deploy.exitValue()).as(output()).isEqualTo(130);
        String said = output();
        assertThat(said).contains("interrupted: live traffic was not touched");

        List<String> advised = new ArrayList<>();
        Matcher command =
                Pattern.compile("`bluegreen ((?:unlock|abandon) [^`]*)`").matcher(said);
        while (command.find()) {
            advised.add(command.group(1));
        }
        assertThat(advised).as(said).hasSize(2);
        assertThat(advised.get(0)).startsWith("unlock --app myapp --holder cli:tester@");
        assertThat(advised.get(1)).isEqualTo("abandon --app myapp");
        for (String line : advised) {
            CliRun.Result ran = asPerson(line.split(" "));
            assertThat(ran.exitCode()).as(line + "\n" + ran).isZero();
        }
        assertThat(replicas("myapp-blue"))
                .as("the interrupted release was thrown away")
                .isZero();
        assertThat(readyEndpointColours("green")).isEqualTo(Map.of("green", 2));
        assertThat(client.leases()
                        .inNamespace(ns)
                        .withName("myapp-bluegreen")
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isNullOrEmpty();
    }

    // 5 -------------------------------------------------------------------------------------------------------------

    @Test
    void rollbackSaysWhatItDoesToThePreviousColourInEachCaseAndHonoursTimeout() throws Exception {
        assertThat(asPerson("deploy", "--app", "myapp", "--image", Seed.V2).exitCode())
                .isZero();
        // blue is scaled down to 0 by the switch itself, remembering its 2 replicas
        CliRun.Result switched = asPerson("switch", "--app", "myapp", "--scale-down-delay", "1s", "--wait-scale-down");
        assertThat(switched.exitCode()).as(switched.toString()).isZero();
        assertThat(replicas("myapp-blue")).isZero();

        // (b) someone scaled it up part of the way
        kubectl("scale", "deployment", "myapp-blue", "--replicas=1");
        awaitRolledOut("myapp-blue", 1);
        CliRun.Result partial = asPerson("rollback", "--app", "myapp");
        assertThat(partial.exitCode()).as(partial.toString()).isZero();
        assertThat(partial.out())
                .contains("myapp-blue runs 1 of its 2 replicas; scaling it back to 2 and waiting for "
                        + "it (at most 10m) before switching")
                .doesNotContain("was scaled down");
        assertThat(readyEndpointColours("blue")).isEqualTo(Map.of("blue", 2));

        // (a) scaled to 0
        assertThat(asPerson(
                                "switch",
                                "--app",
                                "myapp",
                                "--to",
                                "green",
                                "--scale-down-delay",
                                "1s",
                                "--wait-scale-down")
                        .exitCode())
                .isZero();
        assertThat(replicas("myapp-blue")).isZero();
        CliRun.Result scaledDown = asPerson("rollback", "--app", "myapp", "--timeout", "5m");
        assertThat(scaledDown.exitCode()).as(scaledDown.toString()).isZero();
        assertThat(scaledDown.out())
                .contains("myapp-blue was scaled down to 0; scaling it back to 2 replicas and "
                        + "waiting for it (at most 5m) before switching");
        assertThat(readyEndpointColours("blue")).isEqualTo(Map.of("blue", 2));

        // (c) running at its count but not ready: nothing is scaled, and --timeout bounds the wait
        assertThat(asPerson("deploy", "--app", "myapp", "--image", "example.org/myapp:5.0-trial")
                        .exitCode())
                .isZero();
        assertThat(asPerson("switch", "--app", "myapp", "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        SIM.sim().scripts().image("example.org/myapp:1.0", PodScript.NEVER_READY);
        try {
            String pod = kubectl(
                            "get",
                            "pods",
                            "-l",
                            "bluegreen.jenkins.io/color=blue",
                            "-o",
                            "jsonpath={.items[0].metadata.name}")
                    .trim();
            kubectl("delete", "pod", pod);
            awaitReady("myapp-blue", 1);
            CliRun.Result notReady = asPerson("rollback", "--app", "myapp", "--timeout", "2s");
            assertThat(notReady.exitCode()).as(notReady.toString()).isEqualTo(1);
            assertThat(notReady.out())
                    .contains(
                            "myapp-blue is not ready yet (1/2 ready",
                            "keeping it at 2 replicas " + "and waiting for it (at most 2s) before switching")
                    .doesNotContain("was scaled down");
            assertThat(notReady.err()).contains("2s");
            assertThat(readyEndpointColours("green")).isEqualTo(Map.of("green", 2));
        } finally {
            SIM.sim().scripts().image("example.org/myapp:1.0", PodScript.NORMAL);
        }
    }

    // 6 -------------------------------------------------------------------------------------------------------------

    @Test
    void aBidiOverrideInApprovedByIsRefusedNamingTheOption() throws Exception {
        assertThat(asPerson("deploy", "--app", "myapp", "--image", Seed.V2).exitCode())
                .isZero();
        String before = Seed.quiescentDump(client, ns);
        for (String command : new String[] {"switch", "rollback"}) {
            CliRun.Result refused = asPerson(command, "--app", "myapp", "--approved-by", "eve\u202Eecila");
            if (command.equals("rollback")) {
                continue; // rollback takes no --approved-by in the CLI; the engine checks it for the steps
            }
            assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err())
                    .startsWith("error: --approved-by: contains the invisible format character U+202E");
        }
        assertThat(Seed.dump(client, ns)).as("nothing written").isEqualTo(before);
    }

    @Test
    void aDeployOfZeroReplicasAdvisesWhatWorks() throws Exception {
        releasedToGreen();
        CliRun.Result zero =
                asPerson("deploy", "--app", "myapp", "--image", "example.org/myapp:3.0", "--replicas", "0");
        assertThat(zero.exitCode()).as(zero.toString()).isZero();
        assertThat(zero.out())
                .contains("with 0 replicas", "bluegreen abandon --app myapp")
                .doesNotContain("next: bluegreen switch");
        CliRun.Result abandoned = asPerson("abandon", "--app", "myapp");
        assertThat(abandoned.exitCode()).as(abandoned.toString()).isZero();
        CliRun.Result again =
                asPerson("deploy", "--app", "myapp", "--image", "example.org/myapp:3.0", "--replicas", "2");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(asPerson("switch", "--app", "myapp").exitCode()).isZero();
        assertThat(readyEndpointColours("blue")).isEqualTo(Map.of("blue", 2));
    }

    // -----------------------------------------------------------------------------------------------------------------

    /** Adopts the seed (blue), deploys 2.0 into green and switches to it; blue keeps running (delay 0). */
    private void releasedToGreen() throws Exception {
        CliRun.Result deployed = asPerson("deploy", "--app", "myapp", "--image", Seed.V2);
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
        CliRun.Result switched =
                asPerson("switch", "--app", "myapp", "--approved-by", "alice", "--scale-down-delay", "0");
        assertThat(switched.exitCode()).as(switched.toString()).isZero();
        assertThat(readyEndpointColours("green")).isEqualTo(Map.of("green", 2));
    }

    /** {@code kubectl replace} of the team's Service manifest: app=myapp only, none of blue-green's annotations. */
    private void replaceServiceWithAppSelectorOnly() throws Exception {
        Path manifest = tmp.resolve("service.yaml");
        Files.writeString(
                manifest,
                String.join(
                        "\n",
                        "apiVersion: v1",
                        "kind: Service",
                        "metadata:",
                        "  name: myapp",
                        "  labels: {app: myapp}",
                        "spec:",
                        "  selector: {app: myapp}",
                        "  ports:",
                        "  - {name: http, port: 80, targetPort: 8080}",
                        ""));
        kubectl("replace", "-f", manifest.toString());
        Service replaced = client.services().inNamespace(ns).withName("myapp").get();
        assertThat(
                        replaced.getMetadata().getAnnotations() == null
                                ? Map.of()
                                : replaced.getMetadata().getAnnotations())
                .doesNotContainKeys("bluegreen.jenkins.io/active-color", "bluegreen.jenkins.io/history");
    }

    private CliRun.Result asPerson(String... args) {
        return CliRun.run(PERSON, "", withCluster(args));
    }

    private String[] withCluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", cli.kubeconfig().toString(), "-n", ns));
        return all.toArray(String[]::new);
    }

    /** {@code bluegreen <args>} as its own JVM, as the person (no BLUEGREEN_HOLDER: the deploy is its own holder). */
    private Process startProcess(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BlueGreenCli.class.getName()));
        command.addAll(List.of(withCluster(args)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("process.out").toFile());
        builder.environment().remove(HolderIdentity.ENV);
        builder.environment().put("USER", "tester");
        process = builder.start();
        return process;
    }

    private String output() throws Exception {
        Path out = tmp.resolve("process.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    private RequestGate gate(String verb, String path, String bodyContains) {
        RequestGate gate = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on(verb, path)
                        .where(r -> bodyContains == null
                                || (r.body() != null && r.body().contains(bodyContains)))
                        .holdUntil(gate)
                        .once());
        return gate;
    }

    private int replicas(String deployment) {
        Deployment d =
                client.apps().deployments().inNamespace(ns).withName(deployment).get();
        return d.getSpec().getReplicas();
    }

    private void awaitRolledOut(String deployment, int replicas) {
        client.apps()
                .deployments()
                .inNamespace(ns)
                .withName(deployment)
                .waitUntilCondition(
                        d -> d != null
                                && d.getStatus() != null
                                && Integer.valueOf(replicas).equals(d.getSpec().getReplicas())
                                && Integer.valueOf(replicas)
                                        .equals(d.getStatus().getReadyReplicas())
                                && Integer.valueOf(replicas)
                                        .equals(d.getStatus().getReplicas())
                                && d.getMetadata()
                                        .getGeneration()
                                        .equals(d.getStatus().getObservedGeneration()),
                        30,
                        TimeUnit.SECONDS);
    }

    private void awaitReady(String deployment, int ready) {
        client.apps()
                .deployments()
                .inNamespace(ns)
                .withName(deployment)
                .waitUntilCondition(
                        d -> d != null
                                && d.getStatus() != null
                                && Integer.valueOf(ready).equals(d.getStatus().getReadyReplicas())
                                && d.getStatus().getReplicas() != null
                                && d.getStatus().getReplicas() > ready,
                        30,
                        TimeUnit.SECONDS);
    }

    /**
     * What users get, as kubectl shows it: the ready endpoints of Service myapp's EndpointSlices counted by the colour
     * of their pods (by name; "none" for pods of no colour), once the endpoints controller has caught up with
     * {@code expectedOnly}.
     */
    private Map<String, Integer> readyEndpointColours(String expectedOnly) throws Exception {
        return awaitReadyEndpoints(c -> c.size() == 1 && c.containsKey(expectedOnly));
    }

    private Map<String, Integer> awaitReadyEndpoints(java.util.function.Predicate<Map<String, Integer>> until)
            throws Exception {
        Map<String, Integer> colours = Map.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            colours = new TreeMap<>();
            String out = kubectl(
                    "get",
                    "endpointslices",
                    "-l",
                    "kubernetes.io/service-name=myapp",
                    "-o",
                    "jsonpath={range .items[*].endpoints[?(@.conditions.ready==true)]}{.targetRef.name}{\"\\n\"}{end}");
            for (String pod : out.lines().filter(l -> !l.isBlank()).toList()) {
                String colour =
                        pod.startsWith("myapp-blue-") ? "blue" : pod.startsWith("myapp-green-") ? "green" : "none";
                colours.merge(colour, 1, Integer::sum);
            }
            if (until.test(colours)) {
                return colours;
            }
            Thread.sleep(100); // polling what the endpoints controller shows; the assertion is on the content
        }
        return colours;
    }

    private String kubectl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(kubectl, "--kubeconfig", cli.kubeconfig().toString(), "-n", ns));
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
