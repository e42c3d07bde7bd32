package io.jenkins.plugins.bluegreen.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Runs the benchmarks (latency, API requests, controller cost) on one kube-sim, prints the tables, and (for a complete
 * run) writes them to docs/performance.md with the machine and the command. Figures only: nothing here asserts a time.
 */
public final class BenchMain {
    /** The simulated kubelet's delay from pod creation to Ready; fixed so runs compare. */
    static final Duration READY_DELAY = Duration.ofMillis(100);

    static final int LATENCY_REPLICAS = 3;
    static final List<Integer> RELEASE_SIZES = List.of(1, 10, 100, 1000);
    static final List<Integer> WAITING = List.of(1, 50, 200);

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        Instant started = Instant.now();
        Optional<Path> kubectlBinary = Kubectl.find(System.getenv("PATH"));
        String kubectlVersion = kubectlBinary
                .map(b -> Kubectl.clientVersion(b) + " (" + b + ")")
                .orElse("not found on PATH");
        Machine machine = Machine.describe(kubectlVersion);
        log("bench: " + (options.quick() ? "quick" : "full") + " run on " + machine.cores() + " cores, " + machine.jdk()
                + ", kubectl " + kubectlVersion);

        Path work = Files.createTempDirectory("bluegreen-bench");
        Report report = new Report(options, READY_DELAY);
        try (BenchCluster cluster = BenchCluster.start(READY_DELAY);
                Engines engines = new Engines(cluster.client())) {
            ReadyMarks readyMarks = new ReadyMarks(cluster.sim());
            Path kubeconfig = cluster.writeKubeconfig(work.resolve("kubeconfig"));
            if (options.runs(5)) {
                // first, while this JVM is youngest; the cold figure comes from fresh child JVMs anyway
                log("bench: 5 client start");
                report.clientStart(
                        new ClientStartBench(kubeconfig).run(options.coldClientRuns(), options.warmClientRuns()));
            }
            if (options.runs(1) || options.runs(2)) {
                log("bench: 1+2 health detection and cutover latency");
                report.latency(
                        new ReleaseLatencyBench(
                                        cluster,
                                        engines,
                                        readyMarks,
                                        options.latencyWarmup(),
                                        options.latencyRepetitions(),
                                        LATENCY_REPLICAS)
                                .run(),
                        LATENCY_REPLICAS);
            }
            if (options.runs(8)) {
                log("bench: 8 auto-revert latency and the requests of verification");
                report.autoRevert(
                        new AutoRevertBench(cluster, engines, LATENCY_REPLICAS)
                                .run(
                                        options.autoRevertWarmup(),
                                        options.autoRevertRepetitions(),
                                        options.autoRevertPasses()),
                        LATENCY_REPLICAS);
            }
            if (options.runs(3)) {
                log("bench: 3 API requests per release");
                ReleaseRequestsBench bench = new ReleaseRequestsBench(cluster, engines);
                List<ReleaseRequestsBench.Run> runs = new ArrayList<>();
                bench.release(1, -1); // warm-up
                for (int size : RELEASE_SIZES) {
                    for (int r = 0; r < options.releaseRepetitions(); r++) {
                        runs.add(bench.release(size, runs.size()));
                    }
                }
                report.releases(runs);
            }
            if (options.runs(4)) {
                log("bench: 4 controller cost while waiting");
                WaitingCostBench bench = new WaitingCostBench(cluster);
                bench.measure(1); // warm-up: loads the classes the waits need
                List<WaitingCostBench.Result> results = new ArrayList<>();
                for (int n : WAITING) {
                    results.add(bench.measure(n));
                }
                report.waiting(results);
            }
            if (options.runs(6)) {
                if (kubectlBinary.isEmpty()) {
                    report.kubectlMissing();
                } else {
                    log("bench: 6 kubectl script vs engine");
                    Kubectl kubectl = new Kubectl(
                            kubectlBinary.get(), kubeconfig, Files.createDirectories(work.resolve("kubectl-cache")));
                    report.kubectl(
                            new KubectlComparisonBench(cluster, engines, readyMarks, kubectl, work, LATENCY_REPLICAS)
                                    .run(options.kubectlWarmup(), options.kubectlRepetitions()),
                            kubectlVersion);
                }
            }
            if (options.runs(7)) {
                Path launcher = Path.of("bin/bluegreen").toAbsolutePath();
                if (kubectlBinary.isEmpty()) {
                    report.cliMissing("no kubectl on PATH to compare with");
                } else if (!Files.isRegularFile(Path.of("cli/target/bluegreen.jar"))) {
                    report.cliMissing("cli/target/bluegreen.jar is not built (bench/run builds it)");
                } else {
                    log("bench: 7 CLI command wall time");
                    Kubectl kubectl = new Kubectl(
                            kubectlBinary.get(),
                            kubeconfig,
                            Files.createDirectories(work.resolve("kubectl-cache-cli")));
                    report.cliWallTime(
                            new CliWallTimeBench(cluster, kubectl, launcher, kubeconfig)
                                    .run(options.cliWarmup(), options.cliRepetitions()),
                            kubectlVersion);
                }
            }
        }
        double seconds = Duration.between(started, Instant.now()).toMillis() / 1000.0;
        String markdown = report.markdown(machine, Machine.loadNow(), seconds);
        System.out.println(markdown);
        Path out = options.out();
        if (out != null) {
            if (options.only().isEmpty()) {
                Files.writeString(out, markdown, StandardCharsets.UTF_8);
                log("bench: wrote " + out);
            } else {
                log("bench: not writing " + out + " for a partial run (--only)");
            }
        }
        log(String.format(Locale.ROOT, "bench: done in %.0f s", seconds));
        System.exit(0); // fabric8/OkHttp and Vert.x leave non-daemon threads behind
    }

    static void log(String line) {
        System.err.println(line);
    }

    static String readResource(String name) {
        try (var in = BenchMain.class.getResourceAsStream(name)) {
            return in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
