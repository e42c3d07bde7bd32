package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.RequestGate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the real CLI process at a chosen point of deploy, adoption, switch and rollback — the point is the
 * request kube-sim holds with a {@link RequestGate} when the process is killed — then recovery with the documented
 * commands (status, unlock, deploy, rollback), asserting on the Service's endpoints, exit codes and messages. The
 * recovering commands run as the same person (USER=tester, same host), or as a colleague where that matters.
 */
class KillRecoveryTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    static final Map<String, String> PERSON = Map.of("USER", "tester");
    static final String COLLEAGUE = "cli:ops@other-host";

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();
    String ns;
    Process killed;

    @BeforeEach
    void setUp() {
        cli = SimCli.seeded(SIM, tmp, 2);
        ns = cli.namespace();
    }

    @AfterEach
    void cleanUp() {
        SIM.sim().faults().clear();
        if (killed != null) {
            killed.destroyForcibly();
        }
    }

    private String[] withCluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", cli.kubeconfig().toString(), "-n", ns));
        return all.toArray(String[]::new);
    }

    private CliRun.Result asPerson(String... args) {
        return CliRun.run(PERSON, "", withCluster(args));
    }

    /** {@code bluegreen <args>} as its own JVM, as the person (no BLUEGREEN_HOLDER): each deploy its own holder. */
    private Process startProcess(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), BlueGreenCli.class.getName()));
        command.addAll(List.of(withCluster(args)));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(tmp.resolve("killed.out").toFile());
        builder.environment().remove(HolderIdentity.ENV);
        builder.environment().put("USER", "tester");
        killed = builder.start();
        return killed;
    }

    /** kill -9 the process once kube-sim holds the gated request, then let that request through (it had been sent). */
    private String killAt(RequestGate gate, Process process) throws Exception {
        boolean arrived = gate.awaitArrival(Duration.ofSeconds(45));
        String output = Files.exists(tmp.resolve("killed.out")) ? Files.readString(tmp.resolve("killed.out")) : "";
        assertThat(arrived)
                .as("the process reached the gated request:\n" + output)
                .isTrue();
        process.destroyForcibly(); // SIGKILL: no shutdown hooks, nothing cleaned up
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        gate.open();
        return output;
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

    private String services() {
        return "/api/v1/namespaces/" + ns + "/services/" + Seed.APP;
    }

    private Map<String, Integer> endpoints(String expectedOnly) throws InterruptedException {
        return RollbackAndLockMovesCliTest.endpointColours(client, ns, expectedOnly);
    }

    private String session() {
        return HolderIdentity.of(PERSON);
    }

    private String holder() {
        return client.leases()
                .inNamespace(ns)
                .withName("myapp-bluegreen")
                .get()
                .getSpec()
                .getHolderIdentity();
    }

    @Test
    void killedWhileDeployingTheIdleColourIsUnlockedAndDeployedAgain() throws Exception {
        assertThat(asPerson("deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        assertThat(asPerson("switch", "--app", Seed.APP, "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        RequestGate idleWrite =
                gate("update", "/apis/apps/v1/namespaces/" + ns + "/deployments/myapp-blue", "example.org/myapp:3.0");
        killAt(idleWrite, startProcess("deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0"));

        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
        String dead = holder();
        assertThat(dead).startsWith(session() + ":");
        CliRun.Result locked = asPerson("deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0");
        assertThat(locked.exitCode()).as(locked.toString()).isEqualTo(1);
        assertThat(locked.err()).contains("bluegreen unlock --app myapp --holder " + dead);

        CliRun.Result unlocked = asPerson("unlock", "--app", Seed.APP);
        assertThat(unlocked.exitCode()).as(unlocked.toString()).isZero();
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
        CliRun.Result again = asPerson("deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(asPerson("switch", "--app", Seed.APP, "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));
    }

    @Test
    void killedDuringAdoptionStatusSaysBlueServesAndDeployFinishesTheAdoption() throws Exception {
        // the adoption creates myapp-blue, waits for it, reads the Service again and writes it: killed at that read
        RequestGate created = gate("create", "/apis/apps/v1/namespaces/" + ns + "/deployments", "myapp-blue");
        Process process = startProcess("deploy", "--app", Seed.APP, "--image", Seed.V2);
        assertThat(created.awaitArrival(Duration.ofSeconds(45))).isTrue();
        RequestGate reRead = gate("get", services(), null);
        created.open();
        killAt(reRead, process);

        // blue's pods match the version selector too: they serve beside myapp-v1's
        CliRun.Result status = asPerson("status", "--app", Seed.APP);
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out())
                .contains("serving beside the old Deployment (adoption unfinished")
                .doesNotContainPattern("myapp-blue .* idle");
        assertThat(status.out()).contains("held by " + session() + ":");

        CliRun.Result locked = asPerson("deploy", "--app", Seed.APP, "--image", Seed.V2);
        assertThat(locked.exitCode()).as(locked.toString()).isEqualTo(1);
        assertThat(locked.err()).contains("bluegreen unlock --app myapp --holder " + session() + ":");
        assertThat(asPerson("unlock", "--app", Seed.APP).exitCode()).isZero();
        CliRun.Result finished = asPerson("deploy", "--app", Seed.APP, "--image", Seed.V2);
        assertThat(finished.exitCode()).as(finished.toString()).isZero();
        assertThat(finished.out()).contains("resuming the adoption of myapp");
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));
        assertThat(asPerson("switch", "--app", Seed.APP, "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
    }

    @Test
    void killedAtTheSwitchWriteAColleagueClearsTheLockWithoutMovingTraffic() throws Exception {
        assertThat(asPerson("deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        RequestGate write = gate("update", services(), "\"bluegreen.jenkins.io/color\":\"green\"");
        killAt(write, startProcess("switch", "--app", Seed.APP, "--scale-down-delay", "0"));

        // the write had been sent: traffic moved, recorded; the lock stayed with the session that was killed
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
        assertThat(holder()).isEqualTo(session());
        CliRun.Result locked = cli.runAs(COLLEAGUE, "deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0");
        assertThat(locked.exitCode()).isEqualTo(1);
        assertThat(locked.err()).contains("bluegreen unlock --app myapp --holder " + session());
        String service = client.services()
                .inNamespace(ns)
                .withName(Seed.APP)
                .get()
                .getMetadata()
                .getResourceVersion();

        CliRun.Result unlocked = cli.runAs(COLLEAGUE, "unlock", "--app", Seed.APP, "--holder", session());
        assertThat(unlocked.exitCode()).as(unlocked.toString()).isZero();
        assertThat(client.services()
                        .inNamespace(ns)
                        .withName(Seed.APP)
                        .get()
                        .getMetadata()
                        .getResourceVersion())
                .as("traffic untouched")
                .isEqualTo(service);
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
        CliRun.Result rollback = cli.runAs(COLLEAGUE, "rollback", "--app", Seed.APP);
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));
    }

    @Test
    void killedAtTheRollbackClaimTheRollbackIsRunAgainAndAtItsWriteNotTwice() throws Exception {
        assertThat(asPerson("deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        assertThat(asPerson("switch", "--app", Seed.APP, "--scale-down-delay", "0")
                        .exitCode())
                .isZero();

        // killed after claiming blue, before the Service write: traffic has not moved; the same command finishes it
        RequestGate claim = gate("patch", "/apis/apps/v1/namespaces/" + ns + "/deployments/myapp-blue", null);
        killAt(claim, startProcess("rollback", "--app", Seed.APP));
        assertThat(endpoints("green")).isEqualTo(Map.of("green", 2));
        CliRun.Result rollback = asPerson("rollback", "--app", Seed.APP);
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));

        // again, from green: killed at the Service write, which lands; running it again is a second rollback: refused
        assertThat(asPerson("switch", "--app", Seed.APP, "--to", "green", "--scale-down-delay", "0")
                        .exitCode())
                .isZero();
        RequestGate write = gate("update", services(), "\"bluegreen.jenkins.io/color\":\"blue\"");
        killAt(write, startProcess("rollback", "--app", Seed.APP));
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));
        CliRun.Result twice = asPerson("rollback", "--app", Seed.APP);
        assertThat(twice.exitCode()).as(twice.toString()).isEqualTo(1);
        assertThat(twice.err()).contains("already a rollback");
        assertThat(endpoints("blue")).isEqualTo(Map.of("blue", 2));
        assertThat(asPerson("status", "--app", Seed.APP).exitCode()).isZero();
    }
}
