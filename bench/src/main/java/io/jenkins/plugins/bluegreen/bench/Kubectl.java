package io.jenkins.plugins.bluegreen.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The kubectl on PATH, run the way a user's script runs it: one process per command, against a kubeconfig, with
 * a discovery cache of its own (warm after the first command, as on a user's machine).
 */
final class Kubectl {
    /** What one kubectl command did. */
    record Result(int exit, String out, String err, double millis) {
        boolean ok() {
            return exit == 0;
        }
    }

    private final Path binary;
    private final Path kubeconfig;
    private final Path cacheDir;

    Kubectl(Path binary, Path kubeconfig, Path cacheDir) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.cacheDir = cacheDir;
    }

    /** The first executable {@code kubectl} on {@code path} (a PATH-style list), if any. */
    static Optional<Path> find(String path) {
        if (path == null || path.isBlank()) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, "kubectl");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** {@code kubectl version --client} reduced to its version, e.g. {@code v1.32.4}; the raw text if unparsable. */
    static String clientVersion(Path binary) {
        try {
            Process p = new ProcessBuilder(binary.toString(), "version", "--client")
                    .redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return parseClientVersion(out);
        } catch (IOException e) {
            return "unknown (" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        }
    }

    /** The {@code Client Version:} line's value (also the old {@code GitVersion:"..."} form). */
    static String parseClientVersion(String output) {
        for (String line : output.split("\\R")) {
            String trimmed = line.trim();
            if (trimmed.startsWith("Client Version:")) {
                String rest = trimmed.substring("Client Version:".length()).trim();
                int git = rest.indexOf("GitVersion:\"");
                if (git >= 0) {
                    int start = git + "GitVersion:\"".length();
                    return rest.substring(start, rest.indexOf('"', start));
                }
                return rest;
            }
        }
        return output.trim().isEmpty()
                ? "unknown"
                : output.trim().lines().findFirst().orElse("unknown");
    }

    Path binary() {
        return binary;
    }

    /** Runs {@code kubectl args...}; the time is the whole process, start to exit, as a script pays it. */
    Result run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.put("KUBECONFIG", kubeconfig.toString());
        env.put("KUBECACHEDIR", cacheDir.toString());
        try {
            Path out = Files.createTempFile(cacheDir, "out", ".txt");
            Path err = Files.createTempFile(cacheDir, "err", ".txt");
            builder.redirectOutput(out.toFile()).redirectError(err.toFile());
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " did not finish in 120 s");
            }
            double millis = (System.nanoTime() - start) / 1e6;
            Result result = new Result(process.exitValue(), Files.readString(out), Files.readString(err), millis);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return result;
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running kubectl", e);
        }
    }

    /** Like {@link #run} but fails with kubectl's own message on a non-zero exit. */
    Result ok(String... args) {
        Result result = run(args);
        if (!result.ok()) {
            throw new IllegalStateException("kubectl " + String.join(" ", args) + " exited " + result.exit() + ": "
                    + result.err().trim());
        }
        return result;
    }
}
