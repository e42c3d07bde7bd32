package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class FaultRulesTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    private static final Duration WAIT = Duration.ofSeconds(10);

    @AfterEach
    void clearFaults() {
        SIM.sim().faults().clear();
    }

    private static String cmPath(String ns) {
        return "/api/v1/namespaces/" + ns + "/configmaps";
    }

    private static boolean exists(String ns, String name) {
        return SIM.client().configMaps().inNamespace(ns).withName(name).get() != null;
    }

    @Test
    void respondsWithStatusOnceThenServesNormally() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        FaultRules.Handle h = SIM.sim()
                .faults()
                .add(FaultRule.on("create", "/api/v1/namespaces/*/configmaps")
                        .respond(500)
                        .once());
        HttpResponse<String> first = http.post(cmPath(ns), RawHttp.configMap("a"));
        assertThat(first.statusCode()).isEqualTo(500);
        JsonNode status = Serialization.unmarshal(first.body(), JsonNode.class);
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("InternalError");
        assertThat(exists(ns, "a")).isFalse();
        assertThat(h.fired()).isEqualTo(1);
        assertThat(h.isActive()).isFalse();
        assertThat(http.post(cmPath(ns), RawHttp.configMap("a")).statusCode()).isEqualTo(201);
    }

    @Test
    void tooManyRequestsCarriesRetryAfter() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        SIM.sim()
                .faults()
                .add(FaultRule.on("list", "/api/v1/namespaces/" + ns + "/**")
                        .respond(429, Duration.ofMillis(1500))
                        .times(2));
        for (int i = 0; i < 2; i++) {
            HttpResponse<String> r = http.get(cmPath(ns));
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Retry-After")).hasValue("2");
            JsonNode status = Serialization.unmarshal(r.body(), JsonNode.class);
            assertThat(status.path("reason").asText()).isEqualTo("TooManyRequests");
            assertThat(status.path("details").path("retryAfterSeconds").asInt()).isEqualTo(2);
        }
        assertThat(http.get(cmPath(ns)).statusCode()).isEqualTo(200);
    }

    @Test
    void conflictRuleMatchesOnlyWhatThePredicateSelects() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        SIM.sim()
                .faults()
                .add(FaultRule.on("POST", "/api/v1/namespaces/*/configmaps")
                        .where(r -> r.body().contains("\"guarded\""))
                        .respond(409, "injected conflict"));
        HttpResponse<String> r = http.post(cmPath(ns), RawHttp.configMap("guarded"));
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("injected conflict").contains("\"reason\":\"Conflict\"");
        assertThat(http.post(cmPath(ns), RawHttp.configMap("free")).statusCode())
                .isEqualTo(201);
    }

    @Test
    void aHeldRequestIsAppliedOnlyOnceItsGateOpensWhileOtherRequestsGoOn() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        RequestGate gate = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("create", "/api/v1/namespaces/" + ns + "/configmaps")
                        .where(r -> r.body().contains("\"held\""))
                        .holdUntil(gate)
                        .once());
        java.util.concurrent.CompletableFuture<HttpResponse<String>> held =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return http.post(cmPath(ns), RawHttp.configMap("held"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
        assertThat(gate.awaitArrival(WAIT)).isTrue();

        // while it is held: nothing of it applied, and other requests (even to the same path) are served
        assertThat(http.post(cmPath(ns), RawHttp.configMap("other")).statusCode())
                .isEqualTo(201);
        assertThat(exists(ns, "held")).isFalse();
        gate.open();

        assertThat(held.get(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)
                        .statusCode())
                .isEqualTo(201);
        assertThat(exists(ns, "held")).isTrue();
    }

    @Test
    void delayPastTheClientTimeoutStillAppliesTheChange() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        SIM.sim()
                .faults()
                .add(FaultRule.on("create", "/api/v1/namespaces/" + ns + "/configmaps")
                        .delay(Duration.ofMillis(600))
                        .once());
        assertThatThrownBy(() -> http.send(
                        "POST", cmPath(ns), "application/json", RawHttp.configMap("late"), Duration.ofMillis(200)))
                .isInstanceOf(HttpTimeoutException.class);
        assertThat(exists(ns, "late")).isFalse();
        await(WAIT, "delayed create applied", () -> exists(ns, "late"));
    }

    @Test
    void dropBeforeApplyLosesTheChange() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        SIM.sim()
                .faults()
                .add(FaultRule.on("create", "/api/v1/namespaces/" + ns + "/configmaps")
                        .dropBeforeApply()
                        .once());
        assertThatThrownBy(() -> http.post(cmPath(ns), RawHttp.configMap("lost")))
                .isInstanceOf(IOException.class);
        Thread.sleep(100);
        assertThat(exists(ns, "lost")).isFalse();
    }

    @Test
    void dropAfterApplyMakesTheChangeButNeverAnswers() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        SIM.sim()
                .faults()
                .add(FaultRule.on("create", "/api/v1/namespaces/" + ns + "/configmaps")
                        .dropAfterApply()
                        .once());
        assertThatThrownBy(() -> http.post(cmPath(ns), RawHttp.configMap("applied")))
                .isInstanceOf(IOException.class);
        await(WAIT, "change made", () -> exists(ns, "applied"));
    }

    @Test
    void removedRuleStopsFiring() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        FaultRules.Handle h = SIM.sim()
                .faults()
                .add(FaultRule.on("*", "/api/v1/namespaces/" + ns + "/**").respond(503));
        assertThat(http.get(cmPath(ns)).statusCode()).isEqualTo(503);
        assertThat(http.get(cmPath(ns)).statusCode()).isEqualTo(503);
        assertThat(SIM.sim().faults().active()).hasSize(1);
        h.remove();
        assertThat(http.get(cmPath(ns)).statusCode()).isEqualTo(200);
        assertThat(h.fired()).isEqualTo(2);
    }

    @Test
    void droppedWatchesAreReopenedByTheClientAndKeepDelivering() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch w = c.configMaps().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                events.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
                events.add("CLOSED");
            }
        })) {
            await(WAIT, "watch open", () -> SIM.sim().openWatches() >= 1);
            long watchesBefore = SIM.sim().requests().count("watch", "/api/v1/namespaces/" + ns + "/configmaps");
            SIM.sim().faults().refuseWatches(1);
            assertThat(SIM.sim().faults().dropWatches()).isGreaterThanOrEqualTo(1);
            c.configMaps()
                    .inNamespace(ns)
                    .resource(new ConfigMapBuilder()
                            .withNewMetadata()
                            .withName("after-drop")
                            .endMetadata()
                            .build())
                    .create();
            await(WAIT, "event after reconnect", () -> events.contains("ADDED after-drop"));
            // one refused attempt, then a successful one
            assertThat(SIM.sim().requests().count("watch", "/api/v1/namespaces/" + ns + "/configmaps"))
                    .isGreaterThanOrEqualTo(watchesBefore + 2);
            assertThat(events).doesNotContain("CLOSED");
        }
    }

    @Test
    void aWatchWhoseClientHungUpWhileItWasBeingOpenedIsForgotten() throws Exception {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        int before = SIM.sim().openWatches();
        Duration opening = Duration.ofMillis(400);
        SIM.sim()
                .faults()
                .add(FaultRule.on("watch", "/api/v1/namespaces/" + ns + "/configmaps")
                        .delay(opening)
                        .once());
        Watch w = c.configMaps().inNamespace(ns).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {}

            @Override
            public void onClose(WatcherException cause) {}
        });
        w.close(); // before the server has registered the watch

        Thread.sleep(opening.toMillis() * 3); // let the delayed registration happen; the assertion below is not timed
        await(WAIT, "the hung-up watch forgotten", () -> SIM.sim().openWatches() <= before);
    }
}
