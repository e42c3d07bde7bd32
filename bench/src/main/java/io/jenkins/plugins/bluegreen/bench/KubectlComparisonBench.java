package io.jenkins.plugins.bluegreen.bench;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.kubesim.RequestCounters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Item 6: the script a user writes without this tool — {@code kubectl apply} the new colour, {@code kubectl rollout
 * status}, {@code kubectl patch} the Service selector, {@code kubectl get} it to check — against the engine's
 * deploy, awaitHealthy and switchTraffic, on the same kube-sim with the same controller delays, alternating
 * repetition by repetition so both see the same machine noise. The script does less than the engine (no lock, no
 * preflight, no guarded write, no history, no scale-down schedule); the comparison is of what a user waits for.
 */
final class KubectlComparisonBench {
    static final List<String> PHASES = List.of("deploy", "await", "switch+verify", "total");
    private static final String APP = "web";

    /** Per phase: milliseconds and requests of both sides; detection latency of both. */
    record Result(
            Map<String, Samples> kubectlMillis,
            Map<String, Samples> engineMillis,
            Map<String, Samples> kubectlRequests,
            Map<String, Samples> engineRequests,
            Samples kubectlDetection,
            Samples engineDetection) {}

    private final BenchCluster cluster;
    private final Engines engines;
    private final ReadyMarks readyMarks;
    private final Kubectl kubectl;
    private final Path workDir;
    private final int replicas;

    KubectlComparisonBench(
            BenchCluster cluster, Engines engines, ReadyMarks readyMarks, Kubectl kubectl, Path workDir, int replicas) {
        this.cluster = cluster;
        this.engines = engines;
        this.readyMarks = readyMarks;
        this.kubectl = kubectl;
        this.workDir = workDir;
        this.replicas = replicas;
    }

    Result run(int warmup, int repetitions) {
        Result result = new Result(samples(), samples(), samples(), samples(), new Samples(), new Samples());
        for (int i = 0; i < warmup + repetitions; i++) {
            Result into = i < warmup ? null : result;
            kubectlScript(into);
            engine(i, into);
        }
        return result;
    }

    private void kubectlScript(Result into) {
        String ns = cluster.seedLiveApp(APP, replicas, "web:1");
        Path manifest = writeGreenManifest(ns);
        RequestCounters counters = cluster.sim().requests();
        Map<String, double[]> phase = new LinkedHashMap<>();

        counters.reset();
        Kubectl.Result apply = kubectl.ok("-n", ns, "apply", "-f", manifest.toString());
        phase.put("deploy", new double[] {apply.millis(), counters.total()});

        counters.reset();
        Kubectl.Result rollout =
                kubectl.ok("-n", ns, "rollout", "status", "deployment/" + APP + "-green", "--timeout=120s");
        long exited = System.nanoTime();
        phase.put("await", new double[] {rollout.millis(), counters.total()});
        Long lastReady = readyMarks.last(ns, APP + "-green");

        counters.reset();
        Kubectl.Result patch = kubectl.ok(
                "-n",
                ns,
                "patch",
                "service",
                APP,
                "-p",
                "{\"spec\":{\"selector\":{\"" + BenchCluster.COLOR_KEY + "\":\"green\"}}}");
        Kubectl.Result get = kubectl.ok("-n", ns, "get", "service", APP, "-o", "jsonpath={.spec.selector}");
        if (!get.out().contains("green")) {
            throw new IllegalStateException("kubectl patch did not switch the selector: " + get.out());
        }
        phase.put("switch+verify", new double[] {patch.millis() + get.millis(), counters.total()});

        if (into != null) {
            record(phase, into.kubectlMillis(), into.kubectlRequests());
            if (lastReady != null) {
                into.kubectlDetection().add((exited - lastReady) / 1e6);
            }
        }
        cluster.forget(ns);
        readyMarks.forget(ns);
    }

    private void engine(int index, Result into) {
        String ns = cluster.seedLiveApp(APP, replicas, "web:1");
        String holder = Holder.build(20_000 + index);
        BlueGreen engine = engines.engine(ns);
        RequestCounters counters = cluster.sim().requests();
        Map<String, double[]> phase = new LinkedHashMap<>();

        counters.reset();
        long start = System.nanoTime();
        engine.deploy(DeployRequest.builder(APP).image("web:2").holder(holder).build());
        phase.put("deploy", new double[] {(System.nanoTime() - start) / 1e6, counters.total()});

        counters.reset();
        start = System.nanoTime();
        engine.awaitHealthy(APP, null, Duration.ofMinutes(2));
        long returned = System.nanoTime();
        phase.put("await", new double[] {(returned - start) / 1e6, counters.total()});
        Long lastReady = readyMarks.last(ns, APP + "-green");

        counters.reset();
        start = System.nanoTime();
        engine.switchTraffic(
                SwitchRequest.builder(APP).approvedBy("bench").holder(holder).build());
        phase.put("switch+verify", new double[] {(System.nanoTime() - start) / 1e6, counters.total()});

        if (into != null) {
            record(phase, into.engineMillis(), into.engineRequests());
            if (lastReady != null) {
                into.engineDetection().add((returned - lastReady) / 1e6);
            }
        }
        cluster.forget(ns);
        readyMarks.forget(ns);
    }

    private static void record(
            Map<String, double[]> phase, Map<String, Samples> millis, Map<String, Samples> requests) {
        double totalMillis = 0;
        double totalRequests = 0;
        for (Map.Entry<String, double[]> e : phase.entrySet()) {
            millis.get(e.getKey()).add(e.getValue()[0]);
            requests.get(e.getKey()).add(e.getValue()[1]);
            totalMillis += e.getValue()[0];
            totalRequests += e.getValue()[1];
        }
        millis.get("total").add(totalMillis);
        requests.get("total").add(totalRequests);
    }

    /** The new colour as a user would write it: the live colour's Deployment with colour green and the new image. */
    private Path writeGreenManifest(String namespace) {
        String yaml = String.join(
                "\n",
                "apiVersion: apps/v1",
                "kind: Deployment",
                "metadata:",
                "  name: " + APP + "-green",
                "  labels: {app: " + APP + ", " + BenchCluster.COLOR_KEY + ": green}",
                "spec:",
                "  replicas: " + replicas,
                "  selector:",
                "    matchLabels: {app: " + APP + ", " + BenchCluster.COLOR_KEY + ": green}",
                "  template:",
                "    metadata:",
                "      labels: {app: " + APP + ", " + BenchCluster.COLOR_KEY + ": green}",
                "    spec:",
                "      containers:",
                "      - name: app",
                "        image: web:2",
                "        ports:",
                "        - containerPort: 8080",
                "");
        try {
            Path file = workDir.resolve(namespace + "-green.yaml");
            Files.writeString(file, yaml, StandardCharsets.UTF_8);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Samples> samples() {
        Map<String, Samples> map = new LinkedHashMap<>();
        PHASES.forEach(p -> map.put(p, new Samples()));
        return map;
    }
}
