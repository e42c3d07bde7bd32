package io.jenkins.plugins.bluegreen.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.HealthProgress;
import io.jenkins.plugins.bluegreen.core.HealthSummary;
import io.jenkins.plugins.bluegreen.core.ReleaseListener;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Item 4: what N releases waiting for health at once cost the controller — threads and retained heap — with N apps
 * side by side in one namespace (a team's namespace), each released by its own pipeline (its own {@link BlueGreen},
 * as each Jenkins step builds one) on one shared cluster client and its shared watches. The new colour's pods never become ready, so
 * every wait stays open while we measure; the baseline is taken after all apps are deployed, so the figures are
 * the waits alone.
 */
final class WaitingCostBench {
    static final String NEVER_READY_IMAGE = "idle:2";

    /** Cost of {@code waiting} concurrent waits, relative to the same cluster with nobody waiting. */
    record Result(
            int waiting,
            HeapAndThreads.Reading before,
            HeapAndThreads.Reading during,
            HeapAndThreads.Reading after,
            long watchRequests) {
        int extraThreads() {
            return during.controllerThreads() - before.controllerThreads();
        }

        int extraHeldThreads() {
            return during.heldControllerThreads() - before.heldControllerThreads();
        }

        double heapPerWait() {
            return (double) (during.retainedBytes() - before.retainedBytes()) / waiting;
        }
    }

    private final BenchCluster cluster;
    private final HeapAndThreads meter = new HeapAndThreads();

    WaitingCostBench(BenchCluster cluster) {
        this.cluster = cluster;
        cluster.sim().scripts().image(NEVER_READY_IMAGE, PodScript.NEVER_READY);
    }

    /**
     * Measures on a client of its own, so the threads that earlier measurements' connections left idling in another
     * client's pools do not blur this one's baseline.
     */
    Result measure(int waiting) {
        try (KubernetesClient client = cluster.sim().newClient();
                Engines engines = new Engines(client)) {
            return measure(waiting, engines);
        }
    }

    private Result measure(int waiting, Engines engines) {
        String namespace = cluster.sim().newNamespace();
        List<String> apps = new ArrayList<>();
        for (int i = 0; i < waiting; i++) {
            apps.add("app" + i);
        }
        cluster.seedLiveApps(namespace, apps, 1, "idle:1");
        for (int i = 0; i < waiting; i++) {
            BlueGreen engine = engines.engine(namespace, ReleaseListener.NONE);
            engine.deploy(DeployRequest.builder(apps.get(i))
                    .image(NEVER_READY_IMAGE)
                    .holder(Holder.build(i))
                    .build());
        }
        ReleaseRequestsBench.sleep(Duration.ofMillis(500)); // pods created and running (never ready)
        HeapAndThreads.Reading before = meter.read();

        cluster.sim().requests().reset();
        Set<String> watching = ConcurrentHashMap.newKeySet();
        ReleaseListener seen = new ReleaseListener() {
            @Override
            public void progress(HealthProgress progress) {
                watching.add(progress.deployment());
            }
        };
        List<CompletableFuture<HealthSummary>> waits = new ArrayList<>();
        for (String app : apps) {
            waits.add(engines.engine(namespace, seen).awaitHealthyAsync(app, null, Duration.ofHours(1)));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (watching.size() < waiting && System.nanoTime() < deadline) {
            ReleaseRequestsBench.sleep(Duration.ofMillis(20));
        }
        if (watching.size() < waiting) {
            throw new IllegalStateException("only " + watching.size() + " of " + waiting + " waits started watching");
        }
        for (CompletableFuture<HealthSummary> wait : waits) {
            if (wait.isDone()) {
                throw new IllegalStateException("a wait ended early: " + wait);
            }
        }
        ReleaseRequestsBench.sleep(Duration.ofMillis(500));
        HeapAndThreads.Reading during = meter.read();
        long watchRequests = cluster.sim().requests().total();

        waits.forEach(w -> w.cancel(true));
        ReleaseRequestsBench.sleep(Duration.ofSeconds(1));
        HeapAndThreads.Reading after = meter.read();
        cluster.forget(namespace);
        return new Result(waiting, before, during, after, watchRequests);
    }
}
