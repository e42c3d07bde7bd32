package io.jenkins.plugins.bluegreen.cli;

import static io.jenkins.plugins.bluegreen.cli.BinScriptTest.repo;
import static io.jenkins.plugins.bluegreen.cli.BinScriptTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.cli.BinScriptTest.Run;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bin/bluegreen running the shaded jar, as a user runs it. Failsafe runs this after {@code package}, so the jar
 * exists; a missing jar here is a build fault, not a reason to skip.
 */
class BinScriptIT {

    @BeforeAll
    static void jarIsBuilt() {
        assertThat(repo().resolve("cli/target/bluegreen.jar"))
                .as("the shaded jar built by package")
                .isRegularFile();
    }

    @Test
    void runsTheBuiltJar() throws Exception {
        List<String> help =
                new ArrayList<>(List.of(repo().resolve("bin/bluegreen").toString(), "--help"));
        Run r = run(help);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("deploy", "switch", "rollback", "status", "sim", "demo");
        Run bad = run(List.of(
                repo().resolve("bin/bluegreen").toString(),
                "deploy",
                "--app",
                "myapp",
                "--image",
                "nginx:2",
                "--timeout",
                "0"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: ").contains("--timeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void simThroughTheLauncherStopsCleanlyOnASignal(String signal, @TempDir Path tmp) throws Exception {
        Path kubeconfig = tmp.resolve("sim.kubeconfig");
        Process p = new ProcessBuilder(
                        repo().resolve("bin/bluegreen").toString(), "sim", "--kubeconfig-out", kubeconfig.toString())
                .redirectErrorStream(true)
                .start();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).startsWith("ready: kube-sim at http://127.0.0.1:");
            assertThat(Files.readString(kubeconfig)).contains("current-context: kube-sim");
            // the launcher exec'd java, so the JVM gets the signal directly (kill, unlike Process.destroy, leaves
            // our end of the pipe open to read the rest)
            assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
                            .start()
                            .waitFor())
                    .isZero();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            StringBuilder rest = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                rest.append(line).append('\n');
            }
            assertThat(rest.toString()).contains("kube-sim stopped");
        } finally {
            p.destroyForcibly();
        }
    }

    /** A pipe is a way of answering too; before, anything but a terminal counted as Abort. */
    @Test
    void demoTakesItsAnswerFromAPipe(@TempDir Path tmp) throws Exception {
        Process p = new ProcessBuilder(repo().resolve("bin/bluegreen").toString(), "demo")
                .redirectError(tmp.resolve("err").toFile())
                .redirectOutput(tmp.resolve("out").toFile())
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write("Proceed\n".getBytes(StandardCharsets.UTF_8));
        }
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String out = Files.readString(tmp.resolve("out"));
        assertThat(p.exitValue()).as(out + Files.readString(tmp.resolve("err"))).isZero();
        assertThat(out).contains("> Proceed", "Switch traffic to green").doesNotContain("treating it as Abort");
    }

    @Test
    void noKubeconfigAtAllIsExit2SayingWhereItLooked(@TempDir Path tmp) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(repo().resolve("bin/bluegreen").toString(), "status", "--app", "myapp")
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = pb.environment();
        env.put("KUBECONFIG", tmp.resolve("none").toString());
        env.put("HOME", tmp.toString());
        env.remove("KUBERNETES_SERVICE_HOST");
        env.remove("KUBERNETES_MASTER");
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(err).isEqualTo(2);
        assertThat(err)
                .startsWith("error: no kubeconfig found, looked at " + tmp.resolve("none"))
                .contains("pass --kubeconfig PATH")
                .doesNotContain("UnknownHost", "kubernetes.default.svc");
    }

    /** SIGINT is what Ctrl-C sends: exit 130, and a line saying what the command left. */
    @Test
    void ctrlCExits130SayingWhatItLeft(@TempDir Path tmp) throws Exception {
        try (KubeSim sim =
                KubeSim.builder().readyDelay(Duration.ofMillis(100)).build().start()) {
            Path kc = tmp.resolve("sim.kubeconfig");
            sim.writeKubeconfig(kc);
            sim.scripts().image("example.org/myapp:never-ready", PodScript.NEVER_READY);
            try (KubernetesClient c = sim.newClient("default")) {
                Seed.seed(c, "default", 2);
            }
            CliRun.Result deployed = CliRun.run(
                    Map.of("BLUEGREEN_HOLDER", "cli:it@host"),
                    "",
                    "deploy",
                    "--app",
                    "myapp",
                    "--image",
                    "example.org/myapp:never-ready",
                    "--no-wait",
                    "--kubeconfig",
                    kc.toString());
            assertThat(deployed.exitCode()).as(deployed.toString()).isZero();
            Process p = new ProcessBuilder(
                            repo().resolve("bin/bluegreen").toString(),
                            "await",
                            "--app",
                            "myapp",
                            "--timeout",
                            "10m",
                            "--kubeconfig",
                            kc.toString())
                    .redirectError(tmp.resolve("err").toFile())
                    .start();
            try (BufferedReader out =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null && !line.startsWith("myapp-green: "); ) {
                    // until the wait reports progress
                }
                assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid()))
                                .start()
                                .waitFor())
                        .isZero();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
            assertThat(p.exitValue()).isEqualTo(130);
            assertThat(Files.readString(tmp.resolve("err")))
                    .contains("interrupted: nothing was written; the colour "
                            + "keeps rolling out, `bluegreen await --app myapp` waits again");
        }
    }
}
