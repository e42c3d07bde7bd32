package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.RequestGate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator moves of docs/reliability.md ("Operator moves": traffic never lands on the wrong pods), through the CLI
 * as a person types them: roll back twice, queue a deploy behind a switch, run two deploys at once from one terminal,
 * clear a dead holder's lock. Judged by what users get — the Service's endpoints, exit codes, messages — and ordered
 * with kube-sim's request gates and the commands' own output, never with sleeps.
 */
class RollbackAndLockMovesCliTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    static final String A = "https://ci.example/job/shop/41/";
    static final String B = "https://ci.example/job/shop/42/";

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();

    @BeforeEach
    void seed() {
        cli = SimCli.seeded(SIM, tmp, 2);
    }

    @AfterEach
    void clearFaults() {
        SIM.sim().faults().clear();
    }

    /** The commands of one person at a terminal: no BLUEGREEN_HOLDER, so each deploy is its own holder. */
    private CliRun.Result asPerson(String... args) {
        return CliRun.run(Map.of("USER", "tester"), "", withCluster(args));
    }

    private CliRun.Running startAsPerson(String... args) {
        return CliRun.start(Map.of("USER", "tester"), withCluster(args));
    }

    private CliRun.Running startAs(String holder, String... args) {
        return CliRun.start(Map.of(HolderIdentity.ENV, holder, "USER", "tester"), withCluster(args));
    }

    private String[] withCluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", cli.kubeconfig().toString(), "-n", cli.namespace()));
        return all.toArray(String[]::new);
    }

    private String image(String deployment) {
        return client.apps()
                .deployments()
                .inNamespace(cli.namespace())
                .withName(deployment)
                .get()
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage();
    }

    /**
     * What users get: the ready endpoints of Service myapp counted by the colour of their pods, once the simulated
     * endpoints controller has caught up with the selector (as kube-proxy would).
     */
    static Map<String, Integer> endpointColours(KubernetesClient client, String ns, String expectedOnly)
            throws InterruptedException {
        Map<String, Integer> colours = Map.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            colours = readEndpointColours(client, ns);
            if (colours.size() == 1 && colours.containsKey(expectedOnly)) {
                return colours;
            }
            Thread.sleep(50); // polling what the endpoints controller shows; the assertion is on the content
        }
        return colours;
    }

    private static Map<String, Integer> readEndpointColours(KubernetesClient client, String ns) {
        Map<String, Integer> colours = new TreeMap<>();
        Endpoints endpoints =
                client.endpoints().inNamespace(ns).withName(Seed.APP).get();
        if (endpoints == null || endpoints.getSubsets() == null) {
            return colours;
        }
        for (EndpointSubset subset : endpoints.getSubsets()) {
            for (EndpointAddress address :
                    subset.getAddresses() == null ? List.<EndpointAddress>of() : subset.getAddresses()) {
                Pod pod = client.pods()
                        .inNamespace(ns)
                        .withName(address.getTargetRef().getName())
                        .get();
                String colour = pod == null
                        ? "gone"
                        : pod.getMetadata()
                                .getLabels()
                                .getOrDefault(
                                        "bluegreen.jenkins.io/color",
                                        "version="
                                                + pod.getMetadata().getLabels().get("version"));
                colours.merge(colour, 1, Integer::sum);
            }
        }
        return colours;
    }

    private Map<String, Integer> endpoints(String expectedOnly) throws InterruptedException {
        return endpointColours(client, cli.namespace(), expectedOnly);
    }

    @Test
    void aSecondRollbackExits1WritesNothingAndNamesSwitchTo() throws Exception {
        assertThat(cli.run("deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        assertThat(cli.run("switch", "--app", Seed.APP, "--approved-by", "alice", "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        assertThat(cli.run("rollback", "--app", Seed.APP).exitCode()).isZero();
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));
        String before = Seed.quiescentDump(client, cli.namespace());

        CliRun.Result again = cli.runAs("cli:oncall@pager", "rollback", "--app", Seed.APP);
        assertThat(again.exitCode()).as(again.toString()).isEqualTo(1);
        assertThat(again.err())
                .contains(
                        "already a rollback",
                        "blue (v1) serves",
                        "green holds release 2.0",
                        "bluegreen switch --to green",
                        "Nothing was written");
        CliRun.Result unnamed = cli.run("switch", "--app", Seed.APP);
        assertThat(unnamed.exitCode()).as(unnamed.toString()).isEqualTo(1);
        assertThat(unnamed.err()).contains("--to green");
        assertThat(Seed.dump(client, cli.namespace())).as("nothing written").isEqualTo(before);
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));

        CliRun.Result byName = cli.run(
                "switch", "--app", Seed.APP, "--to", "green", "--approved-by", "bob", "--scale-down-delay", "0");
        assertThat(byName.exitCode()).as(byName.toString()).isZero();
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
    }

    @Test
    void aDeployQueuedBehindASwitchRefusesToOverwriteTheRollbackTargetAndTheRollbackStillWorks() throws Exception {
        assertThat(cli.runAs(A, "deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        CliRun.Running queued =
                startAs(B, "deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0", "--lock-wait", "2m");
        assertThat(queued.awaitOutput("waiting for the deploy lock"))
                .as(queued.out())
                .isTrue();
        // A's switch keeps blue for a rollback for 10 minutes; it stays in the foreground for that delay
        CliRun.Running switched =
                startAs(A, "switch", "--app", Seed.APP, "--approved-by", "alice", "--scale-down-delay", "10m");
        assertThat(switched.awaitOutput("now selects green")).as(switched.out()).isTrue();

        CliRun.Result b = queued.await();
        assertThat(b.exitCode()).as(b.toString()).isEqualTo(1);
        String windowEnd = client.apps()
                .deployments()
                .inNamespace(cli.namespace())
                .withName("myapp-blue")
                .get()
                .getMetadata()
                .getAnnotations()
                .get("bluegreen.jenkins.io/scale-down-at");
        assertThat(b.err())
                .contains(
                        "myapp-blue is kept for a rollback",
                        "until " + windowEnd,
                        "--replace-rollback-target",
                        "Nothing was written");
        assertThat(image("myapp-blue")).isEqualTo(Seed.V1);
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));

        CliRun.Result rollback = cli.runAs(A, "rollback", "--app", Seed.APP);
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));
        switched.interruptAndWait();
    }

    @Test
    void replacingTheRollbackTargetEarlyIsAnExplicitOption() throws Exception {
        assertThat(cli.runAs(A, "deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        CliRun.Running switched = startAs(A, "switch", "--app", Seed.APP, "--scale-down-delay", "10m");
        assertThat(switched.awaitOutput("now selects green")).as(switched.out()).isTrue();
        CliRun.Result refused = cli.runAs(B, "deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0");
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        CliRun.Result replaced = cli.runAs(
                B, "deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0", "--replace-rollback-target");
        assertThat(replaced.exitCode()).as(replaced.toString()).isZero();
        assertThat(replaced.err()).contains("replacing myapp-blue although it is kept for a rollback");
        assertThat(image("myapp-blue")).isEqualTo("example.org/myapp:3.0");
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
        switched.interruptAndWait();
    }

    @Test
    void twoDeploysFromOneTerminalAtOnceNeverBothSucceed() throws Exception {
        String session = HolderIdentity.of(Map.of("USER", "tester"));
        // the first deploy's last request parks its lock under the session; held here, the first is still running
        RequestGate parking = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on(
                                "update",
                                "/apis/coordination.k8s.io/v1/namespaces/" + cli.namespace()
                                        + "/leases/myapp-bluegreen")
                        .where(r -> r.body() != null && r.body().contains("\"holderIdentity\":\"" + session + "\""))
                        .holdUntil(parking)
                        .once());
        CliRun.Running first = startAsPerson("deploy", "--app", Seed.APP, "--image", Seed.V2);
        assertThat(parking.awaitArrival(Duration.ofSeconds(30))).as(first.out()).isTrue();
        assertThat(first.out()).contains("healthy: myapp-green");

        CliRun.Result second = asPerson("deploy", "--app", Seed.APP, "--image", "example.org/myapp:2.1");
        parking.open();
        CliRun.Result firstDone = first.await();

        assertThat(List.of(firstDone.exitCode(), second.exitCode()))
                .as(firstDone + "\n" + second)
                .containsExactly(0, 1);
        assertThat(second.err())
                .contains("is locked by " + session + ":", "bluegreen unlock --app myapp --holder " + session + ":");
        assertThat(image("myapp-green")).isEqualTo(Seed.V2);
        // the person's next command continues the parked lock
        CliRun.Result switched = asPerson("switch", "--app", Seed.APP, "--scale-down-delay", "0");
        assertThat(switched.exitCode()).as(switched.toString()).isZero();
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
    }

    @Test
    void aDeployAfterYourOwnFinishedDeployTakesTheParkedLockBack() {
        assertThat(asPerson("deploy", "--app", Seed.APP, "--image", Seed.V2, "--no-wait")
                        .exitCode())
                .isZero();
        CliRun.Result redeploy = asPerson("deploy", "--app", Seed.APP, "--image", "example.org/myapp:2.1");
        assertThat(redeploy.exitCode()).as(redeploy.toString()).isZero();
        assertThat(image("myapp-green")).isEqualTo("example.org/myapp:2.1");
        assertThat(client.leases()
                        .inNamespace(cli.namespace())
                        .withName("myapp-bluegreen")
                        .get()
                        .getSpec()
                        .getHolderIdentity())
                .isEqualTo(HolderIdentity.of(Map.of("USER", "tester")));
    }

    @Test
    void aDeadPipelinesLockIsClearedWithUnlockWithoutTouchingTrafficThenItsReleaseAbandoned() throws Exception {
        assertThat(cli.runAs(A, "deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        // pipeline A died here; B finds the lock, and the message names the way out
        CliRun.Result locked = cli.runAs(B, "deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0");
        assertThat(locked.exitCode()).isEqualTo(1);
        assertThat(locked.err())
                .contains(
                        "is locked by " + A,
                        "bluegreen unlock --app myapp --holder " + A,
                        "bluegreen abandon --app myapp");
        String service = client.services()
                .inNamespace(cli.namespace())
                .withName(Seed.APP)
                .get()
                .getMetadata()
                .getResourceVersion();

        CliRun.Result notYours = cli.runAs(B, "unlock", "--app", Seed.APP);
        assertThat(notYours.exitCode()).as(notYours.toString()).isEqualTo(1);
        assertThat(notYours.err()).contains("held by " + A, "--holder " + A);
        CliRun.Result wrongHolder =
                cli.runAs(B, "unlock", "--app", Seed.APP, "--holder", "https://ci.example/job/x/1/");
        assertThat(wrongHolder.exitCode()).as(wrongHolder.toString()).isEqualTo(1);
        assertThat(wrongHolder.err()).contains("held by " + A + " now");

        CliRun.Result badHolder = cli.runAs(B, "unlock", "--app", Seed.APP, "--holder", "two\nlines");
        assertThat(badHolder.exitCode()).as(badHolder.toString()).isEqualTo(2);
        assertThat(badHolder.err()).startsWith("error: --holder: ");

        CliRun.Result unlocked = cli.runAs(B, "unlock", "--app", Seed.APP, "--holder", A);
        assertThat(unlocked.exitCode()).as(unlocked.toString()).isZero();
        assertThat(unlocked.out()).contains("cleared the deploy lock of myapp held by " + A, "live traffic untouched");
        assertThat(client.services()
                        .inNamespace(cli.namespace())
                        .withName(Seed.APP)
                        .get()
                        .getMetadata()
                        .getResourceVersion())
                .as("the Service was not written")
                .isEqualTo(service);
        assertThat(client.leases()
                        .inNamespace(cli.namespace())
                        .withName("myapp-bluegreen")
                        .get()
                        .getMetadata()
                        .getAnnotations()
                        .get("bluegreen.jenkins.io/last-unlock"))
                .startsWith(A + " cleared by " + B);
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));

        CliRun.Result abandoned = cli.runAs(B, "abandon", "--app", Seed.APP);
        assertThat(abandoned.exitCode()).as(abandoned.toString()).isZero();
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(cli.namespace())
                        .withName("myapp-green")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isZero();
        CliRun.Result nothing = cli.runAs(B, "unlock", "--app", Seed.APP, "--holder", A);
        assertThat(nothing.exitCode()).isZero();
        assertThat(nothing.out()).contains("is free; nothing to clear");
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));
    }

    @Test
    void abandonRefusesTheRollbackTargetAndRollbackBeforeASwitchStillAbandons() throws Exception {
        assertThat(cli.run("deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        CliRun.Result rollbackBeforeSwitch = cli.run("rollback", "--app", Seed.APP);
        assertThat(rollbackBeforeSwitch.exitCode())
                .as(rollbackBeforeSwitch.toString())
                .isZero();
        assertThat(rollbackBeforeSwitch.out()).contains("abandoned myapp-green");
        assertThat(cli.run("deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0")
                        .exitCode())
                .isZero();
        assertThat(cli.run("switch", "--app", Seed.APP, "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        CliRun.Result abandon = cli.run("abandon", "--app", Seed.APP);
        assertThat(abandon.exitCode()).as(abandon.toString()).isEqualTo(1);
        assertThat(abandon.err()).contains("nothing to abandon", "myapp-blue");
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(cli.namespace())
                        .withName("myapp-blue")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(2);
    }
}
