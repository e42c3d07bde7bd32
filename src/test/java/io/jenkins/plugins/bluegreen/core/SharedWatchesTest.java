package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many waits in one namespace share one Deployment and one pod informer, started and stopped with the waits. */
class SharedWatchesTest {
    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @Test
    void waitsInOneNamespaceShareTwoInformersThatStopWithTheLastWait() throws Exception {
        String namespace = SIM.newNamespace();
        SimApps apps = new SimApps(SIM.client(), namespace);
        SIM.sim().scripts().image("slow:2", PodScript.NEVER_READY);
        SharedWatches watches = new SharedWatches(SIM.client());
        List<BlueGreen> engines = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            apps.seedLive("app" + i, Color.BLUE, 1, "app:1");
            BlueGreen engine = BlueGreen.builder(SIM.client())
                    .namespace(namespace)
                    .watches(watches)
                    .build();
            engine.deploy(DeployRequest.builder("app" + i)
                    .image("slow:2")
                    .holder(SimApps.HOLDER)
                    .build());
            engines.add(engine);
        }
        String watchPaths = "/**/namespaces/" + namespace + "/**";
        long watchesBefore = SIM.sim().requests().count("watch", watchPaths);
        List<CompletableFuture<HealthSummary>> waits = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            waits.add(engines.get(i).awaitHealthyAsync("app" + i, null, Duration.ofMinutes(1)));
        }
        Eventually.until(Duration.ofSeconds(10), () -> watches.activeInformers() == 2);
        long watchesOpened = SIM.sim().requests().count("watch", watchPaths) - watchesBefore;

        waits.forEach(w -> w.cancel(true));

        Eventually.until(Duration.ofSeconds(10), () -> watches.activeInformers() == 0);
        assertThat(watchesOpened).isLessThanOrEqualTo(2);
    }

    @Test
    void aWaitStartedOnARunningInformerStillSeesItsOwnRelease() throws Exception {
        String namespace = SIM.newNamespace();
        SimApps apps = new SimApps(SIM.client(), namespace);
        SIM.sim().scripts().image("stuck:2", PodScript.NEVER_READY);
        apps.seedLive("keeper", Color.BLUE, 1, "keeper:1");
        apps.seedLive("shop", Color.BLUE, 1, "shop:1");
        SharedWatches watches = new SharedWatches(SIM.client());
        BlueGreen keeper = BlueGreen.builder(SIM.client())
                .namespace(namespace)
                .watches(watches)
                .build();
        keeper.deploy(DeployRequest.builder("keeper")
                .image("stuck:2")
                .holder(SimApps.HOLDER)
                .build());
        CompletableFuture<HealthSummary> keepsInformersRunning =
                keeper.awaitHealthyAsync("keeper", null, Duration.ofMinutes(1));
        Eventually.until(Duration.ofSeconds(10), () -> watches.activeInformers() == 2);
        BlueGreen shop = BlueGreen.builder(SIM.client())
                .namespace(namespace)
                .watches(watches)
                .build();
        // green existed and was fully rolled out before: the new release must not be judged on that old state
        shop.deploy(DeployRequest.builder("shop")
                .image("shop:2")
                .holder(SimApps.HOLDER)
                .build());
        shop.awaitHealthy("shop", null, Duration.ofSeconds(20));
        shop.switchTraffic(SwitchRequest.builder("shop").holder(SimApps.HOLDER).build());
        shop.deploy(DeployRequest.builder("shop")
                .image("stuck:2")
                .holder(SimApps.HOLDER)
                .replaceRollbackTarget(true)
                .build());

        CompletableFuture<HealthSummary> stuck = shop.awaitHealthyAsync("shop", null, Duration.ofSeconds(2));

        assertThat(stuck)
                .failsWithin(10, TimeUnit.SECONDS)
                .withThrowableThat()
                .withCauseInstanceOf(HealthTimeoutException.class);
        keepsInformersRunning.cancel(true);
    }
}
