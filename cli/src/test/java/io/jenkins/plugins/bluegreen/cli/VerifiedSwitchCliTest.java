package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bluegreen switch --verify-for} from the operator's chair: a release that crash-loops after it went live is
 * switched back by itself (exit 1, the pods and reasons named, users on the old colour's ready pods again); a healthy
 * one is recorded verified; a deploy while a verification runs is refused; Ctrl-C stops verifying and leaves traffic
 * where it is (exit 130). Order is forced by the commands' own output, never by sleeps.
 */
class VerifiedSwitchCliTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();

    @BeforeEach
    void seedAndDeployV2() {
        cli = SimCli.seeded(SIM, tmp, 2);
    }

    @AfterEach
    void clearScripts() {
        SIM.sim().scripts().clear();
    }

    /** As a person: no BLUEGREEN_HOLDER, so the session is cli:tester@host and each deploy its own invocation. */
    private CliRun.Result person(String... args) {
        return CliRun.run(Map.of("USER", "tester"), "", withCluster(args));
    }

    private CliRun.Running personStarts(String... args) {
        return CliRun.start(Map.of("USER", "tester"), withCluster(args));
    }

    private String[] withCluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", cli.kubeconfig().toString(), "-n", cli.namespace()));
        return all.toArray(String[]::new);
    }

    private String colour() {
        return client.services()
                .inNamespace(cli.namespace())
                .withName(Seed.APP)
                .get()
                .getSpec()
                .getSelector()
                .get("bluegreen.jenkins.io/color");
    }

    /** The pods the Service's EndpointSlices list, as "name ready|unready". */
    private List<String> endpoints() {
        List<String> pods = new ArrayList<>();
        for (EndpointSlice slice : client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(cli.namespace())
                .withLabel("kubernetes.io/service-name", Seed.APP)
                .list()
                .getItems()) {
            for (Endpoint e : slice.getEndpoints()) {
                boolean ready = e.getConditions() == null
                        || !Boolean.FALSE.equals(e.getConditions().getReady());
                pods.add(e.getTargetRef().getName() + (ready ? " ready" : " unready"));
            }
        }
        return pods;
    }

    @Test
    void aReleaseThatCrashLoopsFiveSecondsAfterTheSwitchIsSwitchedBackAndTheSwitchExits1() throws Exception {
        SIM.sim().scripts().image(Seed.V2, PodScript.crashAfter(Duration.ofSeconds(5)));
        CliRun.Result deployed = person("deploy", "--app", Seed.APP, "--image", Seed.V2);
        assertThat(deployed.exitCode()).as(deployed.toString()).isZero();

        CliRun.Result switched = person("switch", "--app", Seed.APP, "--approved-by", "alice", "--verify-for", "2m");

        assertThat(switched.exitCode()).as(switched.toString()).isEqualTo(1);
        assertThat(switched.out()).contains("Service myapp now selects green").contains("verifying green until");
        assertThat(switched.err())
                .contains("error: green failed its verification")
                .contains("pod myapp-green-")
                .containsPattern("CrashLoopBackOff|Restarted|NotReady")
                .contains("traffic is back on blue")
                .doesNotContain("verified:");
        assertThat(colour()).isEqualTo("blue");
        assertThat(endpoints())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e).startsWith("myapp-blue-").endsWith(" ready"));

        CliRun.Result status = person("status", "--app", Seed.APP);
        assertThat(status.out()).contains("auto-revert");
        // the reverted release goes live again only by name, as after any rollback
        CliRun.Result retried = person("switch", "--app", Seed.APP);
        assertThat(retried.exitCode()).as(retried.toString()).isEqualTo(1);
        assertThat(colour()).isEqualTo("blue");
    }

    @Test
    void aHealthyReleasePassesItsWindowAndIsRecordedVerified() {
        assertThat(person("deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();

        CliRun.Result switched = person("switch", "--app", Seed.APP, "--verify-for", "1s");

        assertThat(switched.exitCode()).as(switched.toString()).isZero();
        assertThat(switched.out()).contains("verified: green held up for 1s");
        assertThat(colour()).isEqualTo("green");
        String history = client.services()
                .inNamespace(cli.namespace())
                .withName(Seed.APP)
                .get()
                .getMetadata()
                .getAnnotations()
                .get("bluegreen.jenkins.io/history");
        assertThat(history).contains("\"verifiedAt\"");
    }

    @Test
    void aDeployWhileTheSwitchVerifiesIsRefusedAndCtrlCKeepsTrafficWhereItIs() throws Exception {
        assertThat(person("deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        CliRun.Running switching = personStarts("switch", "--app", Seed.APP, "--verify-for", "10m");
        assertThat(switching.awaitOutput("verifying green until"))
                .as(switching.out())
                .isTrue();

        // the next release from another terminal: blue is the revert target, so it is refused
        CliRun.Result deploy = person("deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0");
        assertThat(deploy.exitCode()).as(deploy.toString()).isEqualTo(1);
        assertThat(deploy.err()).startsWith("error: ").contains("myapp-blue");
        // even told to replace the rollback target: the verification holds the lock under its own name
        CliRun.Result forced =
                person("deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0", "--replace-rollback-target");
        assertThat(forced.exitCode()).as(forced.toString()).isEqualTo(1);
        assertThat(forced.err()).contains("locked by cli:tester@").contains(":verifying");
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(cli.namespace())
                        .withName("myapp-blue")
                        .get()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo(Seed.V1);

        CliRun.Result interrupted = switching.interruptAndWait();

        assertThat(interrupted.exitCode()).as(interrupted.toString()).isEqualTo(130);
        assertThat(interrupted.err())
                .contains("interrupted: traffic is on green, whose verification was stopped")
                .contains("myapp-blue keeps running until")
                .contains("bluegreen rollback --app myapp");
        assertThat(colour()).isEqualTo("green");
        assertThat(endpoints())
                .hasSize(2)
                .allSatisfy(e -> assertThat(e).startsWith("myapp-green-").endsWith(" ready"));
        // the lock is free again: the person can roll back at once
        CliRun.Result rollback = person("rollback", "--app", Seed.APP);
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(colour()).isEqualTo("blue");
    }

    @Test
    void aNegativeWindowIsInvalidInputAndChangesNothing() {
        assertThat(person("deploy", "--app", Seed.APP, "--image", Seed.V2).exitCode())
                .isZero();
        CliRun.Result bad = person("switch", "--app", Seed.APP, "--verify-for", "-5s");
        assertThat(bad.exitCode()).as(bad.toString()).isEqualTo(2);
        assertThat(bad.err()).contains("--verify-for");
        assertThat(colour()).isEqualTo("blue");
    }
}
