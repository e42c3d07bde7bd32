package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API requests of a cutover, counted by kube-sim (the target: from approval to the Service switched, verified and
 * recorded in at most three, see docs/performance.md). Which requests they are is asserted, not only how many, so a
 * regression says what came back (kube-sim counts by verb and path, so the order within a phase is not asserted).
 */
class CutoverRequestsTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(20));

    private static final Duration WAIT = Duration.ofSeconds(20);

    private final RecordingListener listener = new RecordingListener();
    private BlueGreen blueGreen;

    private final SimApps apps = SIM.liveOnBlue(3);
    private final String namespace = apps.namespace();

    @BeforeEach
    void seed() {
        blueGreen = SIM.engine(namespace)
                .listener(new ReleaseListener() {
                    @Override
                    public void info(String message) {
                        if (message.startsWith("Service myapp now selects")) {
                            trafficMovedAt = requests();
                        }
                        listener.info(message);
                    }

                    @Override
                    public void warn(String message) {
                        listener.warn(message);
                    }
                })
                .build();
        Map<String, Long> beforeDeploy = SIM.sim().requests().snapshot();
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        deployRequests = since(beforeDeploy, requests());
        blueGreen.awaitHealthy("myapp", null, WAIT);
    }

    private List<String> deployRequests;

    @Test
    void theDeployAnnouncesItselfOnTheServiceBeforeWritingTheIdleColourWithOneRequest() {
        // one more than before the Service arbitrated rollbacks: the guarded announcement (DeployAnnouncement)
        assertThat(deployRequests)
                .containsExactlyInAnyOrder(
                        "get deployments/myapp-blue",
                        "get deployments/myapp-green",
                        "get services/myapp",
                        "list horizontalpodautoscalers",
                        "get leases/myapp-bluegreen",
                        "create leases",
                        "update services/myapp",
                        "create deployments");
        assertThat(apps.service("myapp").getMetadata().getAnnotations().get(StateKeys.DEPLOYING))
                .startsWith("color=green;since=")
                .endsWith(";holder=" + HOLDER);
    }

    private volatile List<String> trafficMovedAt;

    @Test
    void theSwitchOfTheDeployingPipelineMovesTrafficOnItsThirdRequestAndReadsNoLease() {
        Map<String, Long> before = SIM.sim().requests().snapshot();

        SwitchResult result = blueGreen.switchTraffic(
                SwitchRequest.builder("myapp").holder(HOLDER).build());

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(withoutHealthWaitWatch(since(before, trafficMovedAt)))
                .containsExactlyInAnyOrder(
                        "get services/myapp", "get deployments/myapp-green", "update services/myapp");
        // after the write, the endpoints are confirmed: one list of the Service's EndpointSlices, plus a watch only
        // when kube-sim's endpoints controller had not caught up with the selector by then
        assertThat(withoutHealthWaitWatch(withoutEndpointsWatch(since(before, requests()))))
                .containsExactlyInAnyOrder(
                        "get services/myapp",
                        "get deployments/myapp-green",
                        "update services/myapp",
                        "list endpointslices",
                        "patch deployments/myapp-blue",
                        "patch leases/myapp-bluegreen");
        // and it did all it did before: recorded, old colour scheduled, lock released
        assertThat(apps.service("myapp").getMetadata().getAnnotations().get("bluegreen.jenkins.io/history"))
                .contains("\"color\":\"green\"");
        assertThat(apps.deployment("myapp-blue").getMetadata().getAnnotations())
                .containsEntry(StateKeys.SCALE_DOWN_AT, result.scaleDownAt().toString());
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }

    @Test
    void aSwitchByAnotherHolderReadsTheLeaseAndIsRefusedWhileTheDeployerHoldsIt() {
        Map<String, Long> before = SIM.sim().requests().snapshot();

        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> blueGreen.switchTraffic(
                SwitchRequest.builder("myapp").holder("cli:someone@else").build()));

        assertThat(thrown).isInstanceOf(LockHeldException.class);
        assertThat(since(before, requests()))
                .contains("get leases/myapp-bluegreen")
                .doesNotContain("update services/myapp");
        assertThat(apps.selector("myapp")).containsEntry(SimApps.COLOR, "blue");
    }

    @Test
    void rollbackWhileThePreviousColourRunsMovesTrafficBackOnItsThirdRequestWithoutTheLease() {
        blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build());
        assertThat(apps.service("myapp").getMetadata().getAnnotations())
                .as("the switch ended the announcement")
                .doesNotContainKey(StateKeys.DEPLOYING);
        Map<String, Long> before = SIM.sim().requests().snapshot();
        trafficMovedAt = null;

        RollbackResult result = blueGreen.rollback(
                RollbackRequest.builder("myapp").holder(HOLDER).build());

        assertThat(result.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        // the Service, the claim of blue (drops the scale-down the switch scheduled on it; its answer says blue is
        // ready), the guarded Service write; no Lease request at all
        assertThat(withoutHealthWaitWatch(since(before, trafficMovedAt)))
                .containsExactlyInAnyOrder(
                        "get services/myapp", "patch deployments/myapp-blue", "update services/myapp");
        assertThat(withoutHealthWaitWatch(withoutEndpointsWatch(since(before, requests()))))
                .containsExactlyInAnyOrder(
                        "get services/myapp",
                        "patch deployments/myapp-blue",
                        "update services/myapp",
                        "list endpointslices",
                        "patch deployments/myapp-green");
        assertThat(apps.selector("myapp")).containsEntry(SimApps.COLOR, "blue");
        assertThat(apps.deployment("myapp-blue").getMetadata().getAnnotations())
                .doesNotContainKey(StateKeys.SCALE_DOWN_AT);
        assertThat(apps.deployment("myapp-green").getMetadata().getAnnotations())
                .containsKey(StateKeys.SCALE_DOWN_AT);
        assertThat(blueGreen.status("myapp").history()).first().satisfies(h -> assertThat(h.action())
                .isEqualTo(HistoryEntry.ROLLBACK));
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }

    /**
     * What holding the switch to the approved revision costs: one list of the target's pods before the write (the
     * check), the Deployment and its pods read again after it (the re-check) — three requests, none of them writes.
     */
    @Test
    void aSwitchHeldToTheApprovedRevisionAddsOnePodListBeforeTheWriteAndTwoReadsAfterIt() {
        Revision tested = blueGreen.awaitHealthy("myapp", Color.GREEN, WAIT).tested();
        Map<String, Long> before = SIM.sim().requests().snapshot();

        SwitchResult result = blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .expectRevision(tested)
                .build());

        assertThat(result.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(withoutHealthWaitWatch(withoutEndpointsWatch(since(before, requests()))))
                .containsExactlyInAnyOrder(
                        "get services/myapp",
                        "get deployments/myapp-green",
                        "list pods",
                        "update services/myapp",
                        "get deployments/myapp-green",
                        "list pods",
                        "list endpointslices",
                        "patch deployments/myapp-blue",
                        "patch leases/myapp-bluegreen");
    }

    private List<String> requests() {
        List<String> all = new ArrayList<>();
        SIM.sim().requests().snapshot().forEach((k, v) -> {
            for (long i = 0; i < v; i++) {
                all.add(k);
            }
        });
        return all;
    }

    /** The requests in {@code now} that were not yet in {@code before}, in this namespace, as "verb kind/name". */
    private List<String> since(Map<String, Long> before, List<String> now) {
        assertThat(now).as("the cutover was announced").isNotNull();
        Map<String, Long> left = new TreeMap<>(before);
        List<String> out = new ArrayList<>();
        String marker = "/namespaces/" + namespace + "/";
        for (String key : now) {
            if (left.merge(key, -1L, Long::sum) >= 0) {
                continue;
            }
            int at = key.indexOf(marker);
            if (at >= 0) {
                out.add(key.substring(0, key.indexOf(' ') + 1) + key.substring(at + marker.length()));
            }
        }
        return out;
    }

    /**
     * A health wait can reach its verdict from its lists and return before its informers' watch requests arrive
     * (seen on a loaded machine and on a quiet one); those requests are the wait's, and a switch watches neither.
     */
    private static List<String> withoutHealthWaitWatch(List<String> requests) {
        return requests.stream()
                .filter(r -> !r.equals("watch pods") && !r.equals("watch deployments"))
                .toList();
    }

    private static List<String> withoutEndpointsWatch(List<String> requests) {
        return requests.stream().filter(r -> !r.equals("watch endpointslices")).toList();
    }
}
