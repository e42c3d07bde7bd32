package io.jenkins.plugins.bluegreen.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What a person or a script pays per CLI command: bin/bluegreen run as a process, start to exit, beside the kubectl
 * command that does the nearest thing on the same kube-sim. Commands alternate within each repetition, so load
 * from the rest of the machine falls on all of them alike.
 */
final class CliWallTimeBench {

    static final String APP = "clitime";
    /** Stands for the colour each switch goes to: the one not live, so every switch moves traffic. */
    private static final String SWITCH_TO = "{colour not live}";

    /** One bluegreen command and the kubectl command it is set beside. */
    record Pair(
            String label, List<String> bluegreen, Map<String, String> env, String kubectlLabel, List<String> kubectl) {}

    /**
     * @param bluegreenCpu CPU time (user + system) of each bluegreen run, which the rest of the machine's load inflates
     *                     far less than wall time; empty when there is no /usr/bin/time to measure it with
     */
    record Result(
            List<Pair> pairs,
            Map<String, Samples> bluegreen,
            Map<String, Samples> bluegreenCpu,
            Map<String, Samples> kubectl,
            double loadBefore,
            double loadAfter) {}

    /** One run of bin/bluegreen: wall time, and CPU time when it could be measured (else NaN). */
    private record Timing(double wallMillis, double cpuMillis) {}

    /** GNU time reports a finished child's CPU time, which a JVM cannot ask of a process once it has exited. */
    private static final Path GNU_TIME = Path.of("/usr/bin/time");

    private final BenchCluster cluster;
    private final Kubectl kubectl;
    private final Path launcher;
    private final Path kubeconfig;

    CliWallTimeBench(BenchCluster cluster, Kubectl kubectl, Path launcher, Path kubeconfig) {
        this.cluster = cluster;
        this.kubectl = kubectl;
        this.launcher = launcher;
        this.kubeconfig = kubeconfig;
    }

    Result run(int warmup, int repetitions) {
        // the start-up archive as `mvn package` leaves it (made now if this jar has none yet), not timed
        ok(List.of(), Map.of("BLUEGREEN_CDS", "prepare"));
        Path helperDir;
        try {
            helperDir = Files.createTempDirectory("bench-helper-"); // 0700: the launcher refuses anything else
        } catch (IOException e) {
            throw new IllegalStateException("no temporary directory: " + e.getMessage(), e);
        }
        Map<String, String> off = Map.of("BLUEGREEN_DAEMON", "off");
        Map<String, String> on = Map.of(
                "BLUEGREEN_DAEMON",
                "on",
                "BLUEGREEN_DAEMON_DIR",
                helperDir.toString(),
                "BLUEGREEN_DAEMON_IDLE_SECONDS",
                "900");
        String ns = cluster.seedLiveApp(APP, 1, "web:1");
        List<String> at = List.of("--app", APP, "-n", ns);
        ok(concat(List.of("deploy", "--image", "web:2", "--replicas", "1"), at), off);
        String getSvc = "get svc " + APP;
        List<String> kGet = List.of("-n", ns, "get", "svc", APP);
        List<String> sw =
                concat(List.of("switch", "--approved-by", "bench", "--scale-down-delay", "0", "--to", SWITCH_TO), at);
        String patch = "patch svc " + APP + " (an annotation)";
        List<Pair> pairs = List.of(
                new Pair(
                        "bluegreen status --app " + APP + ", warm helper",
                        concat(List.of("status"), at),
                        on,
                        getSvc,
                        kGet),
                new Pair("bluegreen switch --app " + APP + " (alternating colours), warm helper", sw, on, patch, null),
                new Pair(
                        "bluegreen status --app Not_A_Name (input error, exit 2), warm helper",
                        List.of("status", "--app", "Not_A_Name", "-n", ns),
                        on,
                        getSvc,
                        kGet),
                new Pair("bluegreen --help, warm helper", List.of("--help"), on, getSvc, kGet),
                new Pair(
                        "bluegreen status --app " + APP + ", in-process (BLUEGREEN_DAEMON=off)",
                        concat(List.of("status"), at),
                        off,
                        getSvc,
                        kGet),
                new Pair("bluegreen switch --app " + APP + ", in-process", sw, off, patch, null),
                new Pair(
                        "bluegreen status --app Not_A_Name (input error, exit 2), in-process",
                        List.of("status", "--app", "Not_A_Name", "-n", ns),
                        off,
                        getSvc,
                        kGet),
                new Pair("bluegreen --help, in-process", List.of("--help"), off, getSvc, kGet));
        Pair first = new Pair(COLD, concat(List.of("status"), at), on, getSvc, kGet);
        Map<String, Samples> bg = new LinkedHashMap<>();
        Map<String, Samples> cpu = new LinkedHashMap<>();
        Map<String, Samples> kc = new LinkedHashMap<>();
        List<Pair> all = concat(pairs, List.of(first));
        all.forEach(p -> {
            bg.put(p.label(), new Samples());
            cpu.put(p.label(), new Samples());
            kc.put(p.label(), new Samples());
        });
        // the helper's own start (its warm-up, in the background) is not timed: the first command below starts it
        ok(concat(List.of("status"), at), on);
        awaitHelper(helperDir);
        double loadBefore = Machine.loadNow();
        // blue is live after the seed, green deployed; a switch that names no colour right after a switch refuses
        String next = "green";
        for (int i = -warmup; i < repetitions; i++) {
            for (Pair p : pairs) {
                String to = next;
                List<String> args = p.bluegreen().stream()
                        .map(a -> a.equals(SWITCH_TO) ? to : a)
                        .toList();
                if (args.contains("switch")) {
                    next = next.equals("green") ? "blue" : "green";
                }
                Timing bgTiming = time(args, p.env(), p.label().contains("input error") ? 2 : 0);
                List<String> k = p.kubectl() != null
                        ? p.kubectl()
                        : List.of(
                                "-n",
                                ns,
                                "patch",
                                "svc",
                                APP,
                                "-p",
                                "{\"metadata\":{\"annotations\":{\"bench.bluegreen.jenkins.io/n\":\"" + i + "\"}}}");
                double kMillis = kubectl.ok(k.toArray(String[]::new)).millis();
                if (i >= 0) {
                    bg.get(p.label()).add(bgTiming.wallMillis());
                    if (!Double.isNaN(bgTiming.cpuMillis())) {
                        cpu.get(p.label()).add(bgTiming.cpuMillis());
                    }
                    kc.get(p.label()).add(kMillis);
                }
            }
        }
        // the first command of a session: no helper yet, so it runs in-process and starts one (stopped again at once,
        // so its warm-up does not load the next sample)
        for (int i = -Math.min(warmup, 1); i < repetitions; i++) {
            stopHelpers(helperDir);
            Timing t = time(first.bluegreen(), first.env(), 0);
            stopHelpers(helperDir);
            double kMillis = kubectl.ok(kGet.toArray(String[]::new)).millis();
            if (i >= 0) {
                bg.get(COLD).add(t.wallMillis());
                if (!Double.isNaN(t.cpuMillis())) {
                    cpu.get(COLD).add(t.cpuMillis());
                }
                kc.get(COLD).add(kMillis);
            }
        }
        double loadAfter = Machine.loadNow();
        stopHelpers(helperDir);
        cluster.forget(ns);
        return new Result(all, bg, cpu, kc, loadBefore, loadAfter);
    }

    static final String COLD = "bluegreen status, first command (no helper yet: runs in-process, starts one)";

    /** Waits until the helper the last command started serves (its warm-up can take tens of seconds under load). */
    private static void awaitHelper(Path dir) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (System.nanoTime() < deadline) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.toString().endsWith(".sock"))) {
                    return;
                }
                Thread.sleep(200);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(
                "the warm helper did not start within 5 minutes; see " + dir.resolve("helper.log"));
    }

    /** Ends every helper serving from this private directory (this bench started them) and waits until they are gone. */
    private static void stopHelpers(Path dir) {
        String marker = "HelperServer " + dir;
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(marker))
                .forEach(p -> {
                    p.destroyForcibly();
                    p.onExit().join();
                });
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".sock")).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** "user system" in seconds, as GNU time wrote it (its last line: earlier ones report a signal or exit code). */
    private static double cpuMillis(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        Files.deleteIfExists(file);
        if (lines.isEmpty()) {
            return Double.NaN;
        }
        String[] parts = lines.get(lines.size() - 1).trim().split("\\s+");
        try {
            return (Double.parseDouble(parts[0]) + Double.parseDouble(parts[1])) * 1000;
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private void ok(List<String> args, Map<String, String> env) {
        time(args, env, 0);
    }

    /** Runs bin/bluegreen as a shell would, start to exit, and checks its exit code. */
    private Timing time(List<String> args, Map<String, String> env, int expectedExit) {
        List<String> command = new ArrayList<>();
        Path cpuFile = null;
        try {
            if (Files.isExecutable(GNU_TIME)) {
                cpuFile = Files.createTempFile("bench-cli", ".cpu");
                command.addAll(List.of(GNU_TIME.toString(), "-f", "%U %S", "-o", cpuFile.toString()));
            }
        } catch (IOException e) {
            throw new IllegalStateException("could not create a temporary file: " + e.getMessage(), e);
        }
        command.add(launcher.toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KUBECONFIG", kubeconfig.toString());
        builder.environment().remove("BLUEGREEN_JAVA_OPTS");
        builder.environment().remove("BLUEGREEN_CDS");
        builder.environment().putAll(env);
        try {
            Path out = Files.createTempFile("bench-cli", ".out");
            builder.redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            long start = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(10, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("bluegreen " + String.join(" ", args) + " did not finish");
            }
            double millis = (System.nanoTime() - start) / 1e6;
            String output = Files.readString(out);
            Files.deleteIfExists(out);
            if (process.exitValue() != expectedExit) {
                throw new IllegalStateException("bluegreen " + String.join(" ", args) + " exited " + process.exitValue()
                        + " (expected " + expectedExit + "): " + output.trim());
            }
            return new Timing(millis, cpuFile == null ? Double.NaN : cpuMillis(cpuFile));
        } catch (IOException e) {
            throw new IllegalStateException("could not run " + launcher + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running bluegreen", e);
        }
    }
}
