package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script: finds the jar through symlinks, explains how to build it when it is missing.
 * What needs the built jar runs after {@code package}, in {@link BinScriptIT}.
 */
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
        Process p = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        // stdout and stderr are small here; read them after exit (the pipes do not fill)
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Run(
                p.exitValue(),
                new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void missingJarSaysHowToBuildItAndExits2(@TempDir Path tmp) throws Exception {
        Path fakeRepo = tmp.resolve("checkout");
        Files.createDirectories(fakeRepo.resolve("bin"));
        Path script = Files.copy(repo().resolve("bin/bluegreen"), fakeRepo.resolve("bin/bluegreen"));
        Run r = run(List.of(script.toString(), "status", "--app", "myapp"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains(fakeRepo.toRealPath()
                        .resolve("cli/target/bluegreen.jar")
                        .toString())
                .contains("mvn -B -q -f offline -DskipTests package");
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
        assertThat(r.err())
                .contains(fakeRepo.toRealPath()
                        .resolve("cli/target/bluegreen.jar")
                        .toString());
    }
}
