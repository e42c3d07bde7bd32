package io.jenkins.plugins.bluegreen.bench;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.kubesim.RequestCounters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Item 3: API requests of one full release — deploy, await healthy, switch, scale the old colour down — for
 * growing replica counts, from kube-sim's counters. The count must not depend on the number of pods: the engine
 * reads Deployment status and watches pods, it never asks about a pod by name.
 */
final class ReleaseRequestsBench {
    private static final String APP = "store";
    static final List<String> PHASES = List.of("deploy", "await", "switch", "scale-down");

    /** One release of {@code replicas}: requests and milliseconds per phase, and what the requests were. */
    record Run(int replicas, Map<String, Long> requests, Map<String, Double> millis, Map<String, Long> breakdown) {
        long total() {
            return requests.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final BenchCluster cluster;
    private final Engines engines;

    ReleaseRequestsBench(BenchCluster cluster, Engines engines) {
        this.cluster = cluster;
        this.engines = engines;
    }

    Run release(int replicas, int index) {
        String namespace = cluster.seedLiveApp(APP, replicas, "store:1");
        String holder = Holder.build(10_000 + index);
        RequestCounters counters = cluster.sim().requests();
        BlueGreen engine = engines.engine(namespace);
        Map<String, Long> requests = new LinkedHashMap<>();
        Map<String, Double> millis = new LinkedHashMap<>();
        Map<String, Long> breakdown = new java.util.TreeMap<>();
        Duration timeout = Duration.ofMinutes(10);

        phase(
                "deploy",
                counters,
                requests,
                millis,
                breakdown,
                namespace,
                () -> engine.deploy(DeployRequest.builder(APP)
                        .image("store:2")
                        .holder(holder)
                        .build()));
        phase("await", counters, requests, millis, breakdown, namespace, () -> engine.awaitHealthy(APP, null, timeout));
        phase(
                "switch",
                counters,
                requests,
                millis,
                breakdown,
                namespace,
                () -> engine.switchTraffic(SwitchRequest.builder(APP)
                        .approvedBy("bench")
                        .holder(holder)
                        .scaleDownDelay(Duration.ofMillis(1))
                        .build()));
        sleep(Duration.ofMillis(5)); // the scale-down is due 1 ms after the switch
        phase("scale-down", counters, requests, millis, breakdown, namespace, () -> {
            ScaleDownResult result = engine.scaleDownIfDue(APP);
            if (result.outcome() != ScaleDownResult.Outcome.SCALED_DOWN) {
                throw new IllegalStateException("the old colour was not scaled down: " + result);
            }
        });
        cluster.forget(namespace);
        return new Run(replicas, requests, millis, breakdown);
    }

    private static void phase(
            String name,
            RequestCounters counters,
            Map<String, Long> requests,
            Map<String, Double> millis,
            Map<String, Long> breakdown,
            String namespace,
            Runnable action) {
        counters.reset();
        long start = System.nanoTime();
        action.run();
        millis.put(name, (System.nanoTime() - start) / 1e6);
        requests.put(name, counters.total());
        Requests.byVerbAndKind(counters.snapshot(), namespace)
                .forEach((k, v) -> breakdown.merge(name + ": " + k, v, Long::sum));
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
