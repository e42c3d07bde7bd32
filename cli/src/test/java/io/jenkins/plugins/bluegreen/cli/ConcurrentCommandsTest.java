package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two people or pipelines at once, through the CLI: the deploy lock lets one through and names it to the other (exit
 * 1), {@code --lock-wait} queues behind it, and rollback takes it over only when told to ({@code --take-over-lock}),
 * saying from whom. Order is forced with the commands' own output, never with sleeps.
 */
class ConcurrentCommandsTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    static final String PIPELINE = "https://ci.example/job/shop/42/";
    static final String OPS = "cli:ops@laptop";

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();

    @BeforeEach
    void seed() {
        cli = SimCli.seeded(SIM, tmp, 2);
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

    private CliRun.Running startAs(String holder, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", cli.kubeconfig().toString(), "-n", cli.namespace()));
        return CliRun.start(Map.of(HolderIdentity.ENV, holder, "USER", "tester"), all.toArray(String[]::new));
    }

    @Test
    void twoDeploysStartedTogetherOneSucceedsAndTheOtherExits1NamingIt() throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        List<CompletableFuture<CliRun.Result>> runs = new ArrayList<>();
        for (String[] who : new String[][] {{PIPELINE, "example.org/myapp:2.0"}, {OPS, "example.org/myapp:2.1"}}) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                try {
                    start.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                return cli.runAs(who[0], "deploy", "--app", Seed.APP, "--image", who[1], "--no-wait");
            }));
        }
        List<CliRun.Result> results = new ArrayList<>();
        for (CompletableFuture<CliRun.Result> run : runs) {
            results.add(run.get(60, TimeUnit.SECONDS));
        }

        assertThat(results).extracting(CliRun.Result::exitCode).containsExactlyInAnyOrder(0, 1);
        int winner = results.get(0).exitCode() == 0 ? 0 : 1;
        String winnerHolder = winner == 0 ? PIPELINE : OPS;
        CliRun.Result loser = results.get(1 - winner);
        assertThat(loser.err())
                .as(loser.toString())
                .startsWith("error: app myapp is locked by " + winnerHolder)
                .contains("--lock-wait", "--take-over-lock");
        assertThat(image("myapp-green")).isEqualTo(winner == 0 ? "example.org/myapp:2.0" : "example.org/myapp:2.1");
    }

    @Test
    void aDeployWithLockWaitQueuesBehindTheHolderAndThenGoesAhead() throws Exception {
        assertThat(cli.runAs(PIPELINE, "deploy", "--app", Seed.APP, "--image", Seed.V2, "--no-wait")
                        .exitCode())
                .isZero();
        CliRun.Running queued = startAs(
                OPS,
                "deploy",
                "--app",
                Seed.APP,
                "--image",
                "example.org/myapp:3.0",
                "--no-wait",
                "--lock-wait",
                "60s");
        assertThat(queued.awaitOutput("waiting for the deploy lock of myapp, held by " + PIPELINE))
                .as(queued.out())
                .isTrue();

        // the pipeline gives up its release; that frees the lock
        assertThat(cli.runAs(PIPELINE, "rollback", "--app", Seed.APP).exitCode())
                .isZero();

        CliRun.Result r = queued.await();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(image("myapp-green")).isEqualTo("example.org/myapp:3.0");
        assertThat(cli.runAs(OPS, "status", "--app", Seed.APP).out()).contains("held by " + OPS);
    }

    @Test
    void rollbackRefusesAnotherHoldersLockUntilToldToTakeItOver() {
        assertThat(cli.runAs(PIPELINE, "deploy", "--app", Seed.APP, "--image", Seed.V2, "--no-wait")
                        .exitCode())
                .isZero();

        CliRun.Result refused = cli.runAs(OPS, "rollback", "--app", Seed.APP);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err())
                .startsWith("error: app myapp is locked by " + PIPELINE)
                .contains("--take-over-lock");
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(cli.namespace())
                        .withName("myapp-green")
                        .get()
                        .getSpec()
                        .getReplicas())
                .as("the pipeline's release is untouched")
                .isEqualTo(2);

        CliRun.Result taken = cli.runAs(OPS, "rollback", "--app", Seed.APP, "--take-over-lock");
        assertThat(taken.exitCode()).as(taken.toString()).isZero();
        assertThat(taken.err()).contains("warning: taking over the deploy lock of myapp from " + PIPELINE);
        assertThat(taken.out()).contains("abandoned myapp-green", "live colour: blue");
    }
}
