package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exit code 1 for operations that fail on a cluster (unhealthy, timeout, cluster unreachable). Exit code 2 for input
 * the engine rejects, with every object unchanged, is {@link BadInputTableTest}'s table.
 */
class ClusterExitCodesTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    static final String BROKEN = "example.org/myapp:broken";
    static final String HANGING = "example.org/myapp:never-ready";

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();

    @BeforeEach
    void seed() {
        cli = SimCli.seeded(SIM, tmp, 3);
        SIM.sim().scripts().image(BROKEN, PodScript.IMAGE_PULL_ERROR);
        SIM.sim().scripts().image(HANGING, PodScript.NEVER_READY);
    }

    private String colorSelected() {
        return client.services()
                .inNamespace(cli.namespace())
                .withName(Seed.APP)
                .get()
                .getSpec()
                .getSelector()
                .get("bluegreen.jenkins.io/color");
    }

    @Test
    void unhealthyRolloutFailsFastWithThePodsReasonAndExit1() {
        long start = System.nanoTime();
        CliRun.Result r = cli.run("deploy", "--app", Seed.APP, "--image", BROKEN, "--timeout", "60s");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        assertThat(r.err())
                .contains("error: Deployment myapp-green is unhealthy")
                .containsPattern("pod myapp-green-\\S+ container myapp: (ErrImagePull|ImagePullBackOff)");
        assertThat(colorSelected()).isEqualTo("blue");
    }

    @Test
    void healthTimeoutIsExit1() {
        CliRun.Result deploy = cli.run("deploy", "--app", Seed.APP, "--image", HANGING, "--no-wait");
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();

        CliRun.Result r = cli.run("await", "--app", Seed.APP, "--timeout", "1s");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: Deployment myapp-green was not healthy after");
        assertThat(colorSelected()).isEqualTo("blue");
    }

    @Test
    void unreachableClusterIsExit1() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path kc = Files.writeString(
                tmp.resolve("dead.kubeconfig"),
                SIM.sim().kubeconfig().replace(SIM.sim().url(), "http://127.0.0.1:" + closedPort));
        long start = System.nanoTime();
        CliRun.Result r = CliRun.run(Map.of(), "", "status", "--app", Seed.APP, "--kubeconfig", kc.toString());

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).startsWith("error: ").containsIgnoringCase("reach");
        System.out.printf(
                "unreachable cluster reported after %d ms%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis());
    }
}
