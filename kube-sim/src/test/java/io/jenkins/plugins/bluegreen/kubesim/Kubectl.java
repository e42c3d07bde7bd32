package io.jenkins.plugins.bluegreen.kubesim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the kubectl on PATH (or the one named by KUBECTL) against a kubeconfig, as a person would,
 * and hands back exit code and output. {@link #find()} is null when kubectl is not installed.
 */
final class Kubectl {

    record Result(int exit, String out, String err) {}

    private final String binary;
    private final Path kubeconfig;
    private final Path dir;

    Kubectl(String binary, Path kubeconfig, Path dir) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.dir = dir;
    }

    /** KUBECTL=/path/to/kubectl picks another version (CI may have Debian's 1.20); else PATH's. */
    static String find() {
        String chosen = System.getenv("KUBECTL");
        return chosen != null && Files.isExecutable(Path.of(chosen))
                ? chosen
                : Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator))
                        .map(p -> Path.of(p, "kubectl"))
                        .filter(Files::isExecutable)
                        .map(Path::toString)
                        .findFirst()
                        .orElse(null);
    }

    String binary() {
        return binary;
    }

    Result run(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " hung");
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** Starts a kubectl that runs until stopped (e.g. {@code get --watch}): stdout to {@code out}, stderr beside it. */
    Process start(Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("KUBECONFIG", kubeconfig.toString());
        pb.redirectOutput(out.toFile())
                .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile());
        return pb.start();
    }

    /** Runs and asserts exit 0 (with stderr in the failure message); returns stdout. */
    String ok(String... args) throws IOException, InterruptedException {
        Result r = run(args);
        assertThat(r.exit())
                .as("kubectl %s: %s", String.join(" ", args), r.err())
                .isZero();
        return r.out();
    }
}
