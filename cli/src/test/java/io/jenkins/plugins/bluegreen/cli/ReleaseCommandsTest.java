package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The happy paths of deploy, await, switch, rollback and status, each against kube-sim through its kubeconfig. */
class ReleaseCommandsTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    static final String COLOR_KEY = "bluegreen.jenkins.io/color";

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();

    @BeforeEach
    void seed() {
        cli = SimCli.seeded(SIM, tmp, 3);
    }

    private Map<String, String> selector() {
        return client.services()
                .inNamespace(cli.namespace())
                .withName(Seed.APP)
                .get()
                .getSpec()
                .getSelector();
    }

    private Deployment deployment(String name) {
        return client.apps()
                .deployments()
                .inNamespace(cli.namespace())
                .withName(name)
                .get();
    }

    private JsonNode statusJson() throws Exception {
        CliRun.Result r = cli.run("status", "--app", Seed.APP, "-o", "json");
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    private void deployV2() {
        CliRun.Result r = cli.run("deploy", "--app", Seed.APP, "--image", Seed.V2);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    @Test
    void deployAdoptsTheSeedThenDeploysTheIdleColourAndAwaitsIt() throws Exception {
        // green's first pods never get ready, so the wait prints its progress before any is (with ready delays alone
        // the pods were all ready by the wait's first look on a loaded machine); then they are replaced by ready ones
        SIM.sim().scripts().image(Seed.V2, PodScript.NEVER_READY);
        CliRun.Result r;
        try {
            CliRun.Running deploy = CliRun.start(
                    Map.of("BLUEGREEN_HOLDER", "cli:test@localhost", "USER", "tester"),
                    "deploy",
                    "--app",
                    Seed.APP,
                    "--image",
                    Seed.V2,
                    "--kubeconfig",
                    cli.kubeconfig().toString(),
                    "-n",
                    cli.namespace());
            assertThat(deploy.awaitOutput("myapp-green: 0/3 ready"))
                    .as(deploy.out())
                    .isTrue();
            SIM.sim().scripts().image(Seed.V2, PodScript.NORMAL);
            client.pods()
                    .inNamespace(cli.namespace())
                    .withLabel(COLOR_KEY, "green")
                    .delete();
            r = deploy.await();
        } finally {
            SIM.sim().scripts().image(Seed.V2, PodScript.NORMAL);
        }

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains(
                        "adopting myapp",
                        "myapp-green: 3/3 ready",
                        "healthy: myapp-green",
                        "next: bluegreen switch --app myapp");
        assertThat(r.out()).containsPattern("myapp-green: [0-2]/3 ready"); // progress, not just the end
        assertThat(r.err()).contains("warning: left running").doesNotContain("error:");
        assertThat(selector()).containsEntry(COLOR_KEY, "blue").doesNotContainKey("version");
        assertThat(deployment("myapp-green")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo(Seed.V2);
        assertThat(deployment("myapp-green").getStatus().getReadyReplicas()).isEqualTo(3);
    }

    @Test
    void deployNoWaitReturnsAtOnceAndAwaitWaitsForTheColour() {
        CliRun.Result deploy = cli.run("deploy", "--app", Seed.APP, "--image", Seed.V2, "--no-wait");
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.out())
                .contains("not waiting (--no-wait); next: bluegreen await --app myapp --color green")
                .doesNotContain("healthy:");

        CliRun.Result await = cli.run("await", "--app", Seed.APP, "--color", "green", "--timeout", "30s");
        assertThat(await.exitCode()).as(await.toString()).isZero();
        assertThat(await.out()).contains("healthy: myapp-green (green) 3/3 ready");
        assertThat(deployment("myapp-green").getStatus().getReadyReplicas()).isEqualTo(3);
    }

    @Test
    void deployFromAManifestWithReplicasAndAPreviewService() throws Exception {
        Path manifest = Files.writeString(tmp.resolve("v2.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: myapp
                spec:
                  selector:
                    matchLabels: {app: myapp}
                  template:
                    metadata:
                      labels: {app: myapp}
                    spec:
                      containers:
                      - name: myapp
                        image: example.org/myapp:3.0
                """);
        CliRun.Result r = cli.run(
                "deploy",
                "--app",
                Seed.APP,
                "--manifest",
                manifest.toString(),
                "--replicas",
                "2",
                "--preview-service",
                "myapp-preview");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        Deployment green = deployment("myapp-green");
        assertThat(green.getSpec().getReplicas()).isEqualTo(2);
        assertThat(green.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("example.org/myapp:3.0");
        assertThat(client.services()
                        .inNamespace(cli.namespace())
                        .withName("myapp-preview")
                        .get()
                        .getSpec()
                        .getSelector())
                .containsEntry(COLOR_KEY, "green");
        assertThat(selector()).containsEntry(COLOR_KEY, "blue");
    }

    @Test
    void deployToAServiceNotNamedAfterTheApp() {
        String ns = SIM.newNamespace();
        Seed.seed(client, ns, 2, "shop-web");
        SimCli shop = new SimCli(SIM, tmp, ns);

        CliRun.Result r = shop.run("deploy", "--app", Seed.APP, "--image", Seed.V2, "--service", "shop-web");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(client.services()
                        .inNamespace(ns)
                        .withName("shop-web")
                        .get()
                        .getSpec()
                        .getSelector())
                .containsEntry(COLOR_KEY, "blue");
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("myapp-green")
                        .get()
                        .getStatus()
                        .getReadyReplicas())
                .isEqualTo(2);
    }

    @Test
    void switchWithZeroDelayFlipsTheSelectorRecordsTheApproverAndKeepsTheOldColour() throws Exception {
        deployV2();
        CliRun.Result r = cli.run("switch", "--app", Seed.APP, "--approved-by", "ann", "--scale-down-delay", "0");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("now selects green", "keeping myapp-blue (blue) running for an instant rollback");
        assertThat(selector()).containsEntry(COLOR_KEY, "green");
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(3);
        JsonNode status = statusJson();
        assertThat(status.at("/liveColor").asText()).isEqualTo("green");
        assertThat(status.at("/history/0/action").asText()).isEqualTo("switch");
        assertThat(status.at("/history/0/approvedBy").asText()).isEqualTo("ann");
    }

    @Test
    void switchWithWaitScaleDownWaitsThenScalesTheOldColourDown() {
        deployV2();
        long start = System.nanoTime();
        CliRun.Result r = cli.run("switch", "--app", Seed.APP, "--scale-down-delay", "1s", "--wait-scale-down");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(r.out())
                .contains(
                        "keeping myapp-blue for",
                        "Ctrl-C stops waiting and keeps it running",
                        "scaled myapp-blue down");
        assertThat(selector()).containsEntry(COLOR_KEY, "green");
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isZero();
        assertThat(deployment("myapp-green").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void interruptingTheScaleDownWaitKeepsTheOldColourRunning() throws Exception {
        deployV2();
        CliRun.Running running = CliRun.start(
                Map.of("BLUEGREEN_HOLDER", "cli:test@localhost"),
                "switch",
                "--app",
                Seed.APP,
                "--scale-down-delay",
                "5m",
                "--wait-scale-down",
                "--kubeconfig",
                cli.kubeconfig().toString(),
                "-n",
                cli.namespace());
        assertThat(running.awaitOutput("Ctrl-C stops waiting"))
                .as(running.out())
                .isTrue();

        CliRun.Result r = running.interruptAndWait();

        // traffic moved; only the wait was interrupted, and the message says what is left and how to finish it
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INTERRUPTED);
        assertThat(r.err())
                .contains(
                        "interrupted: traffic is on green; myapp-blue keeps running, its scale-down is "
                                + "scheduled on Deployment myapp-blue for",
                        "run `bluegreen scale-down --app myapp` once it is due");
        assertThat(selector()).containsEntry(COLOR_KEY, "green");
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(3);
        assertThat(statusJson().at("/colors/blue/scaleDownAt").isNull())
                .as("still scheduled")
                .isFalse();
    }

    @Test
    void rollbackAfterASwitchPointsTheServiceBack() throws Exception {
        deployV2();
        assertThat(cli.run("switch", "--app", Seed.APP, "--scale-down-delay", "0")
                        .exitCode())
                .isZero();

        CliRun.Result r = cli.run("rollback", "--app", Seed.APP);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("now selects blue", "myapp-green keeps running for now", "live colour: blue");
        assertThat(selector()).containsEntry(COLOR_KEY, "blue");
        assertThat(statusJson().at("/history/0/action").asText()).isEqualTo("rollback");
    }

    /*
     * Fails with core 0.1.0-SNAPSHOT as of this commit: DeployIdleColor stamps deployed-at before it runs the
     * adoption, so the adoption's history entry looks newer than the green release and Rollback takes it for an
     * already-switched one ("records no previous colour", exit 2). Before any switch, rollback abandons the
     * idle colour (docs/steps.md, rollback). The seed scenario hits exactly this path, so the test stays.
     */
    @Test
    void rollbackBeforeASwitchAbandonsTheIdleColourAndLeavesTrafficAlone() {
        deployV2();

        CliRun.Result r = cli.run("rollback", "--app", Seed.APP);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("abandoned myapp-green", "live colour: blue");
        assertThat(selector()).containsEntry(COLOR_KEY, "blue");
        assertThat(deployment("myapp-green").getSpec().getReplicas()).isZero();
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(3);
    }

    @Test
    void rollbackOfASecondReleaseBeforeItsSwitchAbandonsIt() {
        deployV2();
        assertThat(cli.run("switch", "--app", Seed.APP, "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        CliRun.Result v3 = cli.run("deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0");
        assertThat(v3.exitCode()).as(v3.toString()).isZero();

        CliRun.Result r = cli.run("rollback", "--app", Seed.APP);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("abandoned myapp-blue", "live colour: green");
        assertThat(selector()).containsEntry(COLOR_KEY, "green");
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isZero();
    }

    @Test
    void statusJsonHasTheContractsFields() throws Exception {
        deployV2();
        JsonNode s = statusJson();

        assertThat(s.at("/app").asText()).isEqualTo("myapp");
        assertThat(s.at("/namespace").asText()).isEqualTo(cli.namespace());
        assertThat(s.at("/liveColor").asText()).isEqualTo("blue");
        assertThat(s.at("/idleColor").asText()).isEqualTo("green");
        assertThat(s.at("/colors/blue/image").asText()).isEqualTo(Seed.V1);
        assertThat(s.at("/colors/blue/replicas").asInt()).isEqualTo(3);
        assertThat(s.at("/colors/blue/readyReplicas").asInt()).isEqualTo(3);
        assertThat(s.at("/colors/green/image").asText()).isEqualTo(Seed.V2);
        assertThat(s.at("/colors/green/replicas").asInt()).isEqualTo(3);
        assertThat(s.at("/colors/green/readyReplicas").asInt()).isEqualTo(3);
        assertThat(s.at("/history").isArray()).isTrue();
        assertThat(s.at("/history/0/action").asText()).isEqualTo("adopt");
        assertThat(s.at("/lock/holder").asText()).isEqualTo("cli:test@localhost"); // deploy keeps it until the switch
    }

    @Test
    void statusTableIsReadable() {
        deployV2();
        CliRun.Result r = cli.run("status", "--app", Seed.APP);

        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out())
                .contains(
                        "app        myapp (namespace " + cli.namespace() + ", Service myapp)",
                        "live       blue",
                        "idle       green",
                        "held by cli:test@localhost",
                        "history (newest first)");
        assertThat(r.out()).containsPattern("blue\\*\\s+myapp-blue\\s+example.org/myapp:1.0\\s+3/3");
        assertThat(r.out()).containsPattern("green\\s+myapp-green\\s+example.org/myapp:2.0\\s+3/3");
    }

    @Test
    void statusOfAnAppNotUnderBlueGreenYetSaysSo() throws Exception {
        CliRun.Result r = cli.run("status", "--app", Seed.APP);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("not under blue-green yet");
        assertThat(statusJson().get("liveColor").isNull()).isTrue();
    }

    @Test
    void theLockNamesTheHolderFromTheEnvironmentAndStopsAnotherHolder() throws Exception {
        CliRun.Result first = cli.runAs(
                "https://ci.example/job/shop/42/", "deploy", "--app", Seed.APP, "--image", Seed.V2, "--no-wait");
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(statusJson().at("/lock/holder").asText()).isEqualTo("https://ci.example/job/shop/42/");

        CliRun.Result second = cli.runAs(
                "cli:bob@laptop", "deploy", "--app", Seed.APP, "--image", "example.org/myapp:2.1", "--no-wait");
        assertThat(second.exitCode()).as(second.toString()).isEqualTo(1);
        assertThat(second.err()).startsWith("error: ").contains("locked by https://ci.example/job/shop/42/");
    }

    @Test
    void globalOptionsWorkBeforeTheSubcommandToo() {
        CliRun.Result r = CliRun.run(
                "--kubeconfig", cli.kubeconfig().toString(), "-n", cli.namespace(), "status", "--app", Seed.APP);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.out()).contains("namespace " + cli.namespace());
    }
}
