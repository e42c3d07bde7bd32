package io.jenkins.plugins.bluegreen.kubesim;

import static io.jenkins.plugins.bluegreen.kubesim.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class WatchTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static ConfigMap cm(String name, Map<String, String> labels) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .withLabels(labels)
                .endMetadata()
                .addToData("k", "v")
                .build();
    }

    /** Records "TYPE name" for each event. */
    private static final class Recorder implements Watcher<ConfigMap> {
        final List<String> events = new CopyOnWriteArrayList<>();

        @Override
        public void eventReceived(Action action, ConfigMap resource) {
            events.add(action + " " + resource.getMetadata().getName());
        }

        @Override
        public void onClose(WatcherException cause) {
            events.add("CLOSED");
        }
    }

    @Test
    void fabric8WatchWithoutVersionGetsExistingObjectsThenChanges() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.configMaps().inNamespace(ns).resource(cm("a", Map.of())).create();
        Recorder r = new Recorder();
        try (Watch w = c.configMaps().inNamespace(ns).watch(r)) {
            await(WAIT, "initial ADDED", () -> r.events.contains("ADDED a"));
            c.configMaps().inNamespace(ns).resource(cm("b", Map.of())).create();
            c.configMaps().inNamespace(ns).withName("a").edit(m -> {
                m.getData().put("k", "changed");
                return m;
            });
            c.configMaps().inNamespace(ns).withName("b").delete();
            await(WAIT, "live events", () -> r.events.size() >= 4);
            assertThat(r.events).containsExactly("ADDED a", "ADDED b", "MODIFIED a", "DELETED b");
        }
    }

    @Test
    void watchFromResourceVersionSendsOnlyLaterEventsAndHonoursSelectors() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        String rv = c.configMaps()
                .inNamespace(ns)
                .resource(cm("old", Map.of("team", "x")))
                .create()
                .getMetadata()
                .getResourceVersion();
        Recorder r = new Recorder();
        try (Watch w = c.configMaps()
                .inNamespace(ns)
                .withLabel("team", "x")
                .watch(
                        new io.fabric8.kubernetes.api.model.ListOptionsBuilder()
                                .withResourceVersion(rv)
                                .build(),
                        r)) {
            c.configMaps()
                    .inNamespace(ns)
                    .resource(cm("other", Map.of("team", "y")))
                    .create();
            c.configMaps()
                    .inNamespace(ns)
                    .resource(cm("new", Map.of("team", "x")))
                    .create();
            await(WAIT, "ADDED new", () -> r.events.contains("ADDED new"));
            // relabelling out of the selector looks like a deletion to this watch
            c.configMaps().inNamespace(ns).withName("new").edit(m -> {
                m.getMetadata().getLabels().put("team", "z");
                return m;
            });
            await(WAIT, "DELETED new", () -> r.events.contains("DELETED new"));
            assertThat(r.events).containsExactly("ADDED new", "DELETED new");
        }
    }

    @Test
    void watchOnOneNameByFieldSelector() {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        c.configMaps().inNamespace(ns).resource(cm("one", Map.of())).create();
        c.configMaps().inNamespace(ns).resource(cm("two", Map.of())).create();
        Recorder r = new Recorder();
        try (Watch w = c.configMaps().inNamespace(ns).withName("two").watch(r)) {
            c.configMaps().inNamespace(ns).withName("one").delete();
            c.configMaps().inNamespace(ns).withName("two").delete();
            await(WAIT, "two deleted", () -> r.events.contains("DELETED two"));
            assertThat(r.events).containsExactly("ADDED two", "DELETED two");
        }
    }

    @Test
    void informerSeesControllerWrittenPodsBecomeReady() throws Exception {
        KubernetesClient c = SIM.client();
        String ns = SIM.newNamespace();
        List<String> readyPods = new CopyOnWriteArrayList<>();
        SharedIndexInformer<Pod> informer = c.pods().inNamespace(ns).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod obj) {}

            @Override
            public void onUpdate(Pod oldObj, Pod newObj) {
                if (Pods.isReady(newObj) && !Pods.isReady(oldObj)) {
                    readyPods.add(newObj.getMetadata().getName());
                }
            }

            @Override
            public void onDelete(Pod obj, boolean deletedFinalStateUnknown) {}
        });
        try {
            c.apps()
                    .deployments()
                    .inNamespace(ns)
                    .resource(Fixtures.deployment("inf", "inf:1", 2, Map.of("app", "inf")))
                    .create();
            await(WAIT, "two pods ready via informer", () -> readyPods.size() == 2);
        } finally {
            informer.close();
        }
    }
}
