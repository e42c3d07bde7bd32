package io.jenkins.plugins.bluegreen.cli;

import static io.jenkins.plugins.bluegreen.cli.BinScriptTest.repo;
import static io.jenkins.plugins.bluegreen.cli.BinScriptTest.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.bluegreen.cli.BinScriptTest.Run;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
        assertThat(repo().resolve("cli/target/bluegreen.jar")).as("the shaded jar built by package").isRegularFile();
    }

    @Test
    void runsTheBuiltJar() throws Exception {
        List<String> help = new ArrayList<>(List.of(repo().resolve("bin/bluegreen").toString(), "--help"));
        Run r = run(help);
        assertThat(r.exitCode()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("deploy", "switch", "rollback", "status", "sim", "demo");
        Run bad = run(List.of(repo().resolve("bin/bluegreen").toString(), "deploy", "--app", "myapp",
                "--image", "nginx:2", "--timeout", "0"));
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).startsWith("error: ").contains("--timeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"TERM", "INT"})
    void simThroughTheLauncherStopsCleanlyOnASignal(String signal, @TempDir Path tmp) throws Exception {
        Path kubeconfig = tmp.resolve("sim.kubeconfig");
        Process p = new ProcessBuilder(repo().resolve("bin/bluegreen").toString(), "sim", "--kubeconfig-out",
                kubeconfig.toString()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).startsWith("ready: kube-sim at http://127.0.0.1:");
            assertThat(Files.readString(kubeconfig)).contains("current-context: kube-sim");
            // the launcher exec'd java, so the JVM gets the signal directly (kill, unlike Process.destroy, leaves
            // our end of the pipe open to read the rest)
            assertThat(new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor()).isZero();
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
}
