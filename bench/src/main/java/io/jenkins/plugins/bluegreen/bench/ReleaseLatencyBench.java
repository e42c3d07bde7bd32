package io.jenkins.plugins.bluegreen.bench;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.RollbackRequest;
import io.jenkins.plugins.bluegreen.core.RollbackResult;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import io.jenkins.plugins.bluegreen.kubesim.RequestCounters;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Items 1 and 2: health detection latency (kube-sim marks the last pod Ready → {@code awaitHealthy} returns), and
 * cutover latency (approval → {@code switchTraffic} returns: Service switched, verified, recorded), then rollback
 * while the previous colour still runs — with the API requests each took, from kube-sim's counters. Every
 * repetition is a fresh app in a fresh namespace, released the way a pipeline does it; the first few are warm-up.
 */
final class ReleaseLatencyBench {
    private static final String APP = "shop";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    /** What the repetitions measured. */
    record Result(
            Samples healthMillis,
            Samples switchMillis,
            Samples switchRequests,
            Samples cutoverMillis,
            Samples cutoverRequests,
            Samples rollbackMillis,
            Samples rollbackRequests,
            Samples rollbackCutoverMillis,
            Samples rollbackCutoverRequests,
            Map<String, Long> switchBreakdown,
            Map<String, Long> rollbackBreakdown) {}

    private final BenchCluster cluster;
    private final Engines engines;
    private final ReadyMarks readyMarks;
    private final int warmup;
    private final int repetitions;
    private final int replicas;

    ReleaseLatencyBench(
            BenchCluster cluster, Engines engines, ReadyMarks readyMarks, int warmup, int repetitions, int replicas) {
        this.cluster = cluster;
        this.engines = engines;
        this.readyMarks = readyMarks;
        this.warmup = warmup;
        this.repetitions = repetitions;
        this.replicas = replicas;
    }

    Result run() {
        Result result = new Result(
                new Samples(),
                new Samples(),
                new Samples(),
                new Samples(),
                new Samples(),
                new Samples(),
                new Samples(),
                new Samples(),
                new Samples(),
                new TreeMap<>(),
                new TreeMap<>());
        for (int i = 0; i < warmup + repetitions; i++) {
            once(i, i < warmup ? null : result);
        }
        return result;
    }

    private void once(int index, Result into) {
        String namespace = cluster.seedLiveApp(APP, replicas, "shop:1");
        String holder = Holder.build(index);
        RequestCounters requests = cluster.sim().requests();
        CutoverMoment cutover = new CutoverMoment(requests);
        BlueGreen engine = engines.engine(namespace, cutover);

        engine.deploy(DeployRequest.builder(APP).image("shop:2").holder(holder).build());
        engine.awaitHealthy(APP, null, TIMEOUT);
        long returned = System.nanoTime();
        Long lastReady = readyMarks.last(namespace, APP + "-green");
        if (lastReady == null || lastReady > returned) {
            throw new IllegalStateException("awaitHealthy returned before kube-sim marked the last pod Ready");
        }

        Measured<SwitchResult> switched = measure(
                requests,
                cutover,
                () -> engine.switchTraffic(SwitchRequest.builder(APP)
                        .approvedBy("bench")
                        .holder(holder)
                        .build()));
        if (switched.result().outcome() != SwitchResult.Outcome.SWITCHED) {
            throw new IllegalStateException("switch did not switch: " + switched.result());
        }
        Measured<RollbackResult> rolledBack = measure(
                requests,
                cutover,
                () -> engine.rollback(RollbackRequest.builder(APP)
                        .approvedBy("bench")
                        .holder(holder)
                        .build()));
        if (rolledBack.result().action() != RollbackResult.Action.SWITCHED_BACK) {
            throw new IllegalStateException("rollback was not an instant switch back: " + rolledBack.result());
        }

        if (into != null) {
            into.healthMillis().add((returned - lastReady) / 1e6);
            into.switchMillis().add(switched.millis());
            into.switchRequests().add(switched.requests());
            into.rollbackMillis().add(rolledBack.millis());
            into.rollbackRequests().add(rolledBack.requests());
            into.cutoverMillis().add(switched.cutoverMillis());
            into.cutoverRequests().add(switched.cutoverRequests());
            into.rollbackCutoverMillis().add(rolledBack.cutoverMillis());
            into.rollbackCutoverRequests().add(rolledBack.cutoverRequests());
            into.switchBreakdown().clear();
            into.switchBreakdown().putAll(Requests.byVerbAndKind(switched.breakdown(), namespace));
            into.rollbackBreakdown().clear();
            into.rollbackBreakdown().putAll(Requests.byVerbAndKind(rolledBack.breakdown(), namespace));
        }
        cluster.forget(namespace);
        readyMarks.forget(namespace);
    }

    /** One timed operation: until it returned, and until the Service changed (its cutover moment). */
    private record Measured<T>(
            T result,
            double millis,
            long requests,
            Map<String, Long> breakdown,
            double cutoverMillis,
            long cutoverRequests) {}

    private static <T> Measured<T> measure(RequestCounters requests, CutoverMoment cutover, Supplier<T> operation) {
        requests.reset();
        cutover.reset();
        long start = System.nanoTime();
        T result = operation.get();
        long nanos = System.nanoTime() - start;
        return new Measured<>(
                result,
                nanos / 1e6,
                requests.total(),
                requests.snapshot(),
                (cutover.nanoTime() - start) / 1e6,
                cutover.requestCount());
    }
}
