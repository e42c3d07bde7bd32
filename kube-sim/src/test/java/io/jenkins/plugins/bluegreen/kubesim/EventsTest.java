package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The events a person debugging a stuck rollout reads first, and that their volume stays bounded. */
class EventsTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    private static List<Event> events(String ns, String reason) {
        return SIM.client().v1().events().inNamespace(ns).list().getItems().stream()
                .filter(e -> reason.equals(e.getReason()))
                .toList();
    }

    @Test
    void aQuotaRefusalIsAFailedCreateWarningOnTheReplicaSet() {
        String ns = SIM.newNamespace();
        SIM.sim().scripts().image("myapp:quota", PodScript.QUOTA);
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("myapp", "myapp:quota", 2, Map.of("app", "myapp")))
                .create();
        await(Duration.ofSeconds(10), "FailedCreate", () -> !events(ns, "FailedCreate")
                .isEmpty());
        Event e = events(ns, "FailedCreate").get(0);
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getInvolvedObject().getKind()).isEqualTo("ReplicaSet");
        assertThat(e.getSource().getComponent()).isEqualTo("replicaset-controller");
        assertThat(e.getMessage()).startsWith("Error creating: pods \"myapp-").contains("is forbidden: exceeded quota");
    }

    @Test
    void anUnschedulablePodIsAFailedSchedulingWarningFromTheScheduler() {
        String ns = SIM.newNamespace();
        SIM.sim().scripts().image("myapp:big", PodScript.UNSCHEDULABLE);
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("myapp", "myapp:big", 1, Map.of("app", "myapp")))
                .create();
        await(Duration.ofSeconds(10), "FailedScheduling", () -> !events(ns, "FailedScheduling")
                .isEmpty());
        Event e = events(ns, "FailedScheduling").get(0);
        assertThat(e.getType()).isEqualTo("Warning");
        assertThat(e.getSource().getComponent()).isEqualTo("default-scheduler");
        assertThat(e.getMessage()).startsWith("0/1 nodes are available: 1 Insufficient cpu.");
        assertThat(events(ns, "Scheduled")).isEmpty();
    }

    @Test
    void aCrashLoopIsOneBackOffEventWhoseCountGrows() {
        String ns = SIM.newNamespace();
        SIM.sim().scripts().image("myapp:crash", PodScript.CRASH_LOOP);
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("myapp", "myapp:crash", 1, Map.of("app", "myapp")))
                .create();
        await(Duration.ofSeconds(20), "three back-offs", () -> events(ns, "BackOff").stream()
                .anyMatch(e -> e.getCount() != null && e.getCount() >= 3));
        List<Event> backOffs = events(ns, "BackOff");
        assertThat(backOffs).hasSize(1);
        assertThat(backOffs.get(0).getType()).isEqualTo("Warning");
        assertThat(backOffs.get(0).getInvolvedObject().getFieldPath()).isEqualTo("spec.containers{app}");
        assertThat(backOffs.get(0).getMessage()).startsWith("Back-off restarting failed container app in pod myapp-");
    }

    @Test
    void kubectlDescribeFindsAnObjectsEventsByFieldSelector() {
        String ns = SIM.newNamespace();
        KubernetesClient client = SIM.client();
        client.apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("myapp", "myapp:v1", 1, Map.of("app", "myapp")))
                .create();
        await(Duration.ofSeconds(10), "pod events", () -> !events(ns, "Started").isEmpty());
        String uid = client.apps()
                .deployments()
                .inNamespace(ns)
                .withName("myapp")
                .get()
                .getMetadata()
                .getUid();
        List<Event> selected = client.v1()
                .events()
                .inNamespace(ns)
                .withField("involvedObject.kind", "Deployment")
                .withField("involvedObject.uid", uid)
                .list()
                .getItems();
        assertThat(selected).extracting(Event::getReason).containsOnly("ScalingReplicaSet");
        assertThat(client.v1()
                        .events()
                        .inNamespace(ns)
                        .withField("involvedObject.kind", "Pod")
                        .list()
                        .getItems())
                .extracting(Event::getReason)
                .contains("Scheduled", "Pulling", "Pulled", "Created", "Started")
                .doesNotContain("ScalingReplicaSet", "SuccessfulCreate");
    }

    @Test
    void eventsK8sIoShowsTheSameEventsWithItsFieldNames() {
        String ns = SIM.newNamespace();
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(ns)
                .resource(Fixtures.deployment("myapp", "myapp:v1", 1, Map.of("app", "myapp")))
                .create();
        await(Duration.ofSeconds(10), "scaling event", () -> !events(ns, "ScalingReplicaSet")
                .isEmpty());
        Event core = events(ns, "ScalingReplicaSet").get(0);
        List<io.fabric8.kubernetes.api.model.events.v1.Event> v1 = SIM.client()
                .events()
                .v1()
                .events()
                .inNamespace(ns)
                .withField("regarding.kind", "Deployment")
                .list()
                .getItems();
        assertThat(v1).hasSize(1);
        io.fabric8.kubernetes.api.model.events.v1.Event e = v1.get(0);
        assertThat(e.getMetadata().getName()).isEqualTo(core.getMetadata().getName());
        assertThat(e.getRegarding().getName()).isEqualTo("myapp");
        assertThat(e.getNote()).isEqualTo(core.getMessage());
        assertThat(e.getReportingController()).isEqualTo("deployment-controller");
        assertThat(e.getDeprecatedCount()).isEqualTo(1);
        assertThat(SIM.client()
                        .events()
                        .v1()
                        .events()
                        .inNamespace(ns)
                        .withName(core.getMetadata().getName())
                        .get()
                        .getReason())
                .isEqualTo("ScalingReplicaSet");
    }

    @Test
    void aNamespaceKeepsABoundedNumberOfDistinctEvents() {
        SimStore store = new SimStore();
        try (ControllerLoop loop = new ControllerLoop("events-test")) {
            EventRecorder recorder = new EventRecorder(new StoreWriter(store, new ResourceTypes()), loop);
            Pod pod = new PodBuilder()
                    .withNewMetadata()
                    .withName("p")
                    .withNamespace("busy")
                    .withUid("u1")
                    .endMetadata()
                    .build();
            for (int i = 0; i < EventRecorder.MAX_PER_NAMESPACE + 5; i++) {
                recorder.normal(pod, EventRecorder.Source.KUBELET, "Pulled", "message " + i);
            }
            recorder.normal(pod, EventRecorder.Source.KUBELET, "Pulled", "message 0");
            JsonNode list = Json.mapper()
                    .readTree(store.call(HttpMethod.GET, "/api/v1/namespaces/busy/events", null, null)
                            .body());
            assertThat(list.path("items")).hasSize(EventRecorder.MAX_PER_NAMESPACE);
            assertThat(list.path("items").findValues("count").stream()
                            .mapToInt(JsonNode::asInt)
                            .max())
                    .hasValue(2);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
