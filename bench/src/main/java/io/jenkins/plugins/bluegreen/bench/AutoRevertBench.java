package io.jenkins.plugins.bluegreen.bench;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.jenkins.plugins.bluegreen.core.AutoRevertedException;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.CutoverVerification;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.VerificationResult;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import io.jenkins.plugins.bluegreen.kubesim.RequestCounters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Item 8: auto-revert latency — from the first failing pod status kube-sim stores after a verified switch (the new
 * colour's container crashes into CrashLoopBackOff: {@code crash-after}) to the Service's EndpointSlices listing the
 * old colour's ready pods again, as a watching client sees them; and to the verification's future failing (reverted,
 * confirmed, recorded, lock released). Plus the requests verification costs: to start its watches, while it watches,
 * for the revert, and for recording a pass. Every repetition is a fresh app in a fresh namespace.
 */
final class AutoRevertBench {
    private static final String APP = "shop";
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** After Ready: leaves the deploy's wait and the switch well done before the crash, even on a loaded machine. */
    private static final Duration CRASH_AFTER = Duration.ofSeconds(2);
    /** Repetitions whose pods crashed before the switch returned (a loaded machine) are run again, this often. */
    private static final int RETRIES = 5;

    record Result(
            Samples endpointsMillis,
            Samples failedMillis,
            Samples watchStartRequests,
            Samples watchingRequests,
            Samples revertRequests,
            Map<String, Long> watchStartBreakdown,
            Map<String, Long> revertBreakdown,
            Samples passRequests,
            Map<String, Long> passBreakdown) {}

    private final BenchCluster cluster;
    private final Engines engines;
    private final int replicas;

    AutoRevertBench(BenchCluster cluster, Engines engines, int replicas) {
        this.cluster = cluster;
        this.engines = engines;
        this.replicas = replicas;
    }

    Result run(int warmup, int repetitions, int passes) throws Exception {
        Result result = new Result(
                new Samples(),
                new Samples(),
                new Samples(),
                new Samples(),
                new Samples(),
                new TreeMap<>(),
                new TreeMap<>(),
                new Samples(),
                new TreeMap<>());
        int retried = 0;
        for (int i = 0; i < warmup + repetitions; i++) {
            while (!revertOnce(i * 100 + retried, i < warmup ? null : result)) {
                if (++retried > RETRIES) {
                    throw new IllegalStateException("pods kept crashing before the switch returned; raise CRASH_AFTER");
                }
            }
        }
        for (int i = 0; i < passes; i++) {
            passOnce(20_000 + i, result);
        }
        return result;
    }

    /** @return false when the pods crashed before the verification started (not a measurement: run it again) */
    private boolean revertOnce(int index, Result into) throws Exception {
        String image = "shop:crash-" + index;
        cluster.sim().scripts().image(image, PodScript.crashAfter(CRASH_AFTER));
        String namespace = cluster.seedLiveApp(APP, replicas, "shop:1");
        String holder = Holder.build(30_000 + index);
        RequestCounters requests = cluster.sim().requests();
        BlueGreen engine = engines.engine(namespace);
        AtomicLong firstCrash = new AtomicLong();
        AtomicReference<Map<String, Long>> atCrash = new AtomicReference<>();
        cluster.sim().onPodCrash(e -> {
            if (e.namespace().equals(namespace) && firstCrash.compareAndSet(0, e.nanoTime())) {
                atCrash.set(requests.snapshot()); // the requests of the window, before the revert's
            }
        });
        engine.deploy(DeployRequest.builder(APP).image(image).holder(holder).build());
        engine.awaitHealthy(APP, null, TIMEOUT);

        CompletableFuture<Long> backOnBlue = new CompletableFuture<>();
        try (Watch observer = watchEndpoints(namespace, backOnBlue)) {
            requests.reset();
            CutoverVerification verification;
            try {
                verification = engine.switchTrafficVerified(SwitchRequest.builder(APP)
                        .approvedBy("bench")
                        .holder(holder)
                        .verifyFor(Duration.ofMinutes(5))
                        .build());
            } catch (io.jenkins.plugins.bluegreen.core.BlueGreenException crashedDuringTheSwitch) {
                if (firstCrash.get() == 0) {
                    throw crashedDuringTheSwitch;
                }
                cluster.forget(namespace);
                return false; // so loaded that the pods crashed before the switch was confirmed: not a measurement
            }
            Map<String, Long> afterSwitch = Requests.byVerbAndKind(requests.snapshot(), namespace);
            if (firstCrash.get() != 0) {
                verification.result().handle((v, e) -> null).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                cluster.forget(namespace);
                return false;
            }
            try {
                verification.result().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                throw new IllegalStateException("the crashing colour passed its verification");
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof AutoRevertedException)) {
                    throw new IllegalStateException("no auto-revert: " + e.getCause(), e.getCause());
                }
            }
            long failed = System.nanoTime();
            long endpoints = backOnBlue.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (into != null) {
                long crash = firstCrash.get();
                into.endpointsMillis().add((endpoints - crash) / 1e6);
                into.failedMillis().add((failed - crash) / 1e6);
                // switch + window up to the crash: the watches' list+watch, the switch's own requests (returned
                // by then), and whatever the verification asked while it watched (the figure that must be 0)
                Map<String, Long> window = Requests.byVerbAndKind(atCrash.get(), namespace);
                long watchStart = window.entrySet().stream()
                        .filter(AutoRevertBench::startsAWatch)
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                long others = window.entrySet().stream()
                        .filter(r -> !startsAWatch(r))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                long switchOwn = afterSwitch.entrySet().stream()
                        .filter(r -> !startsAWatch(r))
                        .mapToLong(Map.Entry::getValue)
                        .sum();
                into.watchStartRequests().add(watchStart);
                into.watchingRequests().add(others - switchOwn);
                if (others != switchOwn) {
                    Map<String, Long> extra = new TreeMap<>(window);
                    afterSwitch.forEach((k, v) -> extra.merge(k, -v, Long::sum));
                    extra.values().removeIf(v -> v == 0);
                    BenchMain.log("bench: requests while verifying, beyond the switch's: " + extra);
                }
                Map<String, Long> all = Requests.byVerbAndKind(requests.snapshot(), namespace);
                Map<String, Long> revert = new TreeMap<>(all);
                window.forEach((k, v) -> revert.merge(k, -v, Long::sum));
                revert.values().removeIf(v -> v == 0);
                into.revertRequests()
                        .add(revert.values().stream().mapToLong(Long::longValue).sum());
                into.watchStartBreakdown().clear();
                into.watchStartBreakdown().putAll(window);
                into.revertBreakdown().clear();
                into.revertBreakdown().putAll(revert);
            }
        }
        cluster.forget(namespace);
        return true;
    }

    /** A healthy colour verified for a short window: what recording the pass costs beyond a plain switch. */
    private void passOnce(int index, Result into) throws Exception {
        String namespace = cluster.seedLiveApp(APP, replicas, "shop:1");
        String holder = Holder.build(index);
        RequestCounters requests = cluster.sim().requests();
        BlueGreen engine = engines.engine(namespace);
        engine.deploy(DeployRequest.builder(APP).image("shop:2").holder(holder).build());
        engine.awaitHealthy(APP, null, TIMEOUT);
        requests.reset();
        CutoverVerification verification = engine.switchTrafficVerified(SwitchRequest.builder(APP)
                .approvedBy("bench")
                .holder(holder)
                .verifyFor(Duration.ofMillis(300))
                .build());
        VerificationResult passed = verification.result().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (passed.outcome() != VerificationResult.Outcome.VERIFIED) {
            throw new IllegalStateException("not verified: " + passed);
        }
        into.passRequests().add(requests.total());
        into.passBreakdown().clear();
        into.passBreakdown().putAll(Requests.byVerbAndKind(requests.snapshot(), namespace));
        cluster.forget(namespace);
    }

    private static boolean startsAWatch(Map.Entry<String, Long> request) {
        return request.getKey().startsWith("list ") || request.getKey().startsWith("watch ");
    }

    /** The moment the Service's EndpointSlices list only blue's pods, all ready, as many as it runs. */
    private Watch watchEndpoints(String namespace, CompletableFuture<Long> backOnBlue) {
        Map<String, EndpointSlice> slices = new TreeMap<>();
        return cluster.client()
                .discovery()
                .v1()
                .endpointSlices()
                .inNamespace(namespace)
                .withLabel("kubernetes.io/service-name", APP)
                .watch(new Watcher<>() {
                    private boolean sawGreen;

                    @Override
                    public synchronized void eventReceived(Action action, EndpointSlice slice) {
                        long now = System.nanoTime();
                        if (action == Action.DELETED) {
                            slices.remove(slice.getMetadata().getName());
                        } else {
                            slices.put(slice.getMetadata().getName(), slice);
                        }
                        List<Endpoint> endpoints = slices.values().stream()
                                .flatMap(s -> s.getEndpoints() == null
                                        ? java.util.stream.Stream.<Endpoint>empty()
                                        : s.getEndpoints().stream())
                                .toList();
                        sawGreen |= endpoints.stream().anyMatch(e -> name(e).startsWith(APP + "-green-"));
                        boolean blueOnly = !endpoints.isEmpty()
                                && endpoints.stream()
                                        .allMatch(e -> name(e).startsWith(APP + "-blue-")
                                                && (e.getConditions() == null
                                                        || !Boolean.FALSE.equals(e.getConditions()
                                                                .getReady())));
                        if (sawGreen && blueOnly && endpoints.size() >= replicas) {
                            backOnBlue.complete(now);
                        }
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                        backOnBlue.completeExceptionally(cause);
                    }
                });
    }

    private static String name(Endpoint e) {
        return e.getTargetRef() == null || e.getTargetRef().getName() == null
                ? ""
                : e.getTargetRef().getName();
    }
}
