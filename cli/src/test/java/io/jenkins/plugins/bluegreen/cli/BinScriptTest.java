package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The launcher script: finds the jar through symlinks, explains how to build it when it is missing. */
class BinScriptTest {

    /** The repository root: surefire runs in the cli module, whose parent holds bin/. */
    static Path repo() {
        Path p = Path.of(System.getProperty("basedir", ".")).toAbsolutePath();
        for (; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("bin/bluegreen"))) {
                return p;
            }
        }
        throw new IllegalStateException("bin/bluegreen not found above " + System.getProperty("basedir"));
    }

    record Run(int exitCode, String out, String err) {}

    static Run run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        // stdout and stderr are small here; read them after exit (the pipes do not fill)
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void missingJarSaysHowToBuildItAndExits2(@TempDir Path tmp) throws Exception {
        Path fakeRepo = tmp.resolve("checkout");
        Files.createDirectories(fakeRepo.resolve("bin"));
        Path script = Files.copy(repo().resolve("bin/bluegreen"), fakeRepo.resolve("bin/bluegreen"));
        Run r = run(List.of(script.toString(), "status", "--app", "myapp"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(fakeRepo.toRealPath().resolve("cli/target/bluegreen.jar").toString())
                .contains("mvn -B -q -DskipTests package");
    }

    @Test
    void followsSymlinksToFindTheRepository(@TempDir Path tmp) throws Exception {
        Path fakeRepo = tmp.resolve("checkout");
        Files.createDirectories(fakeRepo.resolve("bin"));
        Files.copy(repo().resolve("bin/bluegreen"), fakeRepo.resolve("bin/bluegreen"));
        Path linkDir = Files.createDirectories(tmp.resolve("usr/local/bin"));
        // a relative link, two hops, as package managers and ~/bin setups make them
        Path hop = Files.createSymbolicLink(linkDir.resolve("bg"), Path.of("../../../checkout/bin/bluegreen"));
        Path link = Files.createSymbolicLink(tmp.resolve("bluegreen"), hop);
        Run r = run(List.of(link.toString(), "--help"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(fakeRepo.toRealPath().resolve("cli/target/bluegreen.jar").toString());
    }

    @Test
    void runsTheBuiltJar() throws Exception {
        Path jar = repo().resolve("cli/target/bluegreen.jar");
        assumeTrue(Files.isRegularFile(jar), "cli/target/bluegreen.jar not built (mvn package); skipping");
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
        Path jar = repo().resolve("cli/target/bluegreen.jar");
        assumeTrue(Files.isRegularFile(jar), "cli/target/bluegreen.jar not built (mvn package); skipping");
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
