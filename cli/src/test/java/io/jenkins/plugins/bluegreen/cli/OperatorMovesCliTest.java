package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator meets with the CLI beyond malformed input (that is {@link BadInputTableTest}): a switch that
 * returns once traffic moved, an old colour nobody scaled down, Ctrl-C, history someone forged with kubectl, an API
 * server that goes away during a wait, and the wording of the messages on the way. Each asserts exit code and text.
 */
class OperatorMovesCliTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    static final String HANGING = "example.org/myapp:never-ready";
    static final String SCALE_DOWN_AT = "bluegreen.jenkins.io/scale-down-at";

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();

    @BeforeEach
    void seed() {
        cli = SimCli.seeded(SIM, tmp, 2);
        SIM.sim().scripts().image(HANGING, PodScript.NEVER_READY);
    }

    private CliRun.Result ok(String... args) {
        CliRun.Result r = cli.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private Deployment deployment(String name) {
        return client.apps()
                .deployments()
                .inNamespace(cli.namespace())
                .withName(name)
                .get();
    }

    private String[] withCluster(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", cli.kubeconfig().toString(), "-n", cli.namespace()));
        return all.toArray(String[]::new);
    }

    @Test
    void switchReturnsOnceTrafficMovedAndTheOverdueScaleDownIsFlaggedAndCarriedOut() {
        ok("deploy", "--app", Seed.APP, "--image", Seed.V2);

        // a 1 ms delay is overdue by the time the next command runs: no sleeping needed
        CliRun.Result switched = ok("switch", "--app", Seed.APP, "--scale-down-delay", "1ms");

        assertThat(switched.out())
                .contains(
                        "now selects green",
                        "its scale-down is scheduled on Deployment "
                                + "myapp-blue: run 'bluegreen scale-down --app myapp' once it is due")
                .doesNotContain("on the Service");
        assertThat(deployment("myapp-blue").getSpec().getReplicas())
                .as("switch did not wait")
                .isEqualTo(2);

        CliRun.Result status = ok("status", "--app", Seed.APP);
        assertThat(status.out())
                .containsPattern("blue .* idle, scale-down OVERDUE since \\S+: bluegreen scale-down " + "--app myapp");

        CliRun.Result scaled = ok("scale-down", "--app", Seed.APP);
        assertThat(scaled.out()).contains("scaled myapp-blue down from 2 to 0 replicas");
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isZero();
        assertThat(ok("status", "--app", Seed.APP).out()).doesNotContain("OVERDUE");
        assertThat(ok("scale-down", "--app", Seed.APP).out()).contains("no scale-down is scheduled for myapp");
    }

    @Test
    void aScaleDownNotDueYetIsLeftAlone() {
        ok("deploy", "--app", Seed.APP, "--image", Seed.V2);
        ok("switch", "--app", Seed.APP, "--scale-down-delay", "10m");

        CliRun.Result early = ok("scale-down", "--app", Seed.APP);

        assertThat(early.out()).contains("the scale-down of myapp-blue is due at", "not yet; nothing done");
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(2);
        assertThat(ok("status", "--app", Seed.APP).out())
                .contains("scale-down due")
                .doesNotContain("OVERDUE");
    }

    @Test
    void waitScaleDownIsOptIn() {
        ok("deploy", "--app", Seed.APP, "--image", Seed.V2);

        CliRun.Result r = ok("switch", "--app", Seed.APP, "--scale-down-delay", "1ms", "--wait-scale-down");

        assertThat(r.out()).contains("then scaling it down (--wait-scale-down)", "scaled myapp-blue down from 2 to 0");
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isZero();
    }

    @Test
    void scaleDownDelayZeroKeepsTheOldColourForGood() {
        ok("deploy", "--app", Seed.APP, "--image", Seed.V2);

        CliRun.Result r = ok("switch", "--app", Seed.APP, "--scale-down-delay", "0");

        assertThat(r.out())
                .contains("keeping myapp-blue (blue) running for an instant rollback (no scale-down " + "scheduled)");
        assertThat(deployment("myapp-blue").getMetadata().getAnnotations()).doesNotContainKey(SCALE_DOWN_AT);
        assertThat(ok("scale-down", "--app", Seed.APP).out()).contains("no scale-down is scheduled");
        assertThat(deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(2);
    }

    @Test
    void ctrlCDuringAnAwaitExits130SayingWhatItLeft() throws Exception {
        ok("deploy", "--app", Seed.APP, "--image", HANGING, "--no-wait");
        CliRun.Running await = CliRun.start(
                Map.of("BLUEGREEN_HOLDER", "cli:test@localhost"),
                withCluster("await", "--app", Seed.APP, "--timeout", "10m"));
        assertThat(await.awaitOutput("myapp-green: ")).as(await.out()).isTrue();

        CliRun.Result r = await.interruptAndWait();

        assertThat(r.exitCode())
                .as(r.toString())
                .isEqualTo(ExitCodes.INTERRUPTED)
                .isEqualTo(130);
        assertThat(r.err())
                .contains("interrupted: nothing was written; the colour keeps rolling out, `bluegreen "
                        + "await --app myapp` waits again");
    }

    @Test
    void ctrlCDuringADeploySaysTheLockAndTheNewColourStay() throws Exception {
        CliRun.Running deploy = CliRun.start(
                Map.of("BLUEGREEN_HOLDER", "cli:test@localhost"),
                withCluster("deploy", "--app", Seed.APP, "--image", HANGING, "--timeout", "10m"));
        assertThat(deploy.awaitOutput("myapp-green: ")).as(deploy.out()).isTrue();

        CliRun.Result r = deploy.interruptAndWait();

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(130);
        assertThat(r.err())
                .contains(
                        "interrupted: live traffic was not touched; what the deploy wrote stays (the "
                                + "deploy lock of myapp",
                        "bluegreen abandon --app myapp` throws the new colour away");
    }

    @Test
    void statusNeverPrintsAForgedHistoryLine() {
        ok("deploy", "--app", Seed.APP, "--image", Seed.V2);
        ok("switch", "--app", Seed.APP, "--approved-by", "alice", "--scale-down-delay", "0");
        // someone with kubectl rewrites the history, bypassing the CLI's validation
        String forged = "[{\"action\":\"switch\",\"revision\":\"r1\",\"color\":\"green\",\"images\":[],"
                + "\"switchedAt\":\"2026-01-01T00:00:00Z\",\"approvedBy\":\"alice\\n  2026-01-02T00:00:00Z  switch   "
                + "-> blue  revision forged, approved by \\u001b[32mthe CTO\",\"buildUrl\":null}]";
        client.services().inNamespace(cli.namespace()).withName(Seed.APP).edit(s -> new ServiceBuilder(s)
                .editMetadata()
                .addToAnnotations("bluegreen.jenkins.io/history", forged)
                .endMetadata()
                .build());

        CliRun.Result r = ok("status", "--app", Seed.APP);

        assertThat(r.out().lines()).noneMatch(l -> l.startsWith("  2026-01-02"));
        assertThat(r.out())
                .doesNotContain("\u001b")
                .contains("approved by alice\\n  2026-01-02T00:00:00Z  switch", "\\e[32mthe CTO");
    }

    @Test
    void rollbackThatMustWaitForADeploysLockDoesNotClaimToRollBackUnderIt() {
        CliRun.Result deploy = cli.runAs("cli:a@host", "deploy", "--app", Seed.APP, "--image", Seed.V2);
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        CliRun.Result switched = cli.runAs("cli:a@host", "switch", "--app", Seed.APP, "--scale-down-delay", "0");
        assertThat(switched.exitCode()).as(switched.toString()).isZero();
        // an undecided release of someone else holds the lock and is announced on the Service
        CliRun.Result second = cli.runAs("cli:b@host", "deploy", "--app", Seed.APP, "--image", HANGING, "--no-wait");
        assertThat(second.exitCode()).as(second.toString()).isZero();

        CliRun.Result r = cli.runAs("cli:c@host", "rollback", "--app", Seed.APP);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.out())
                .doesNotContain("rolling back under the deploy lock")
                .contains("this rollback needs the deploy lock, trying to take it");
        assertThat(r.err()).startsWith("error: ").contains("cli:b@host");
    }

    @Test
    void anApiServerThatGoesAwayDuringAWaitIsReportedAsUnreachableNotAsUnhealthyPods() throws Exception {
        KubeSim own =
                KubeSim.builder().readyDelay(Duration.ofMillis(100)).build().start();
        try {
            Path kc = tmp.resolve("own.kubeconfig");
            own.writeKubeconfig(kc);
            own.scripts().image(HANGING, PodScript.NEVER_READY);
            try (KubernetesClient c = own.newClient("default")) {
                Seed.seed(c, "default", 2);
            }
            CliRun.Running deploy = CliRun.start(
                    Map.of("BLUEGREEN_HOLDER", "cli:test@localhost"),
                    "deploy",
                    "--app",
                    Seed.APP,
                    "--image",
                    HANGING,
                    "--timeout",
                    "10m",
                    "--kubeconfig",
                    kc.toString(),
                    "-n",
                    "default");
            assertThat(deploy.awaitOutput("myapp-green: ")).as(deploy.out()).isTrue();
            own.close();

            CliRun.Result r = deploy.await();

            assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
            assertThat(r.err())
                    .contains("error: stopped waiting for myapp-green: cannot reach the Kubernetes API")
                    .doesNotContain("readiness", "not healthy after", "Operation: [");
        } finally {
            own.close();
        }
    }
}
