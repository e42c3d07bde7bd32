package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.jenkins.plugins.bluegreen.kubesim.ClientRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A dry run reads the real state, sends every write with dryRun=All and writes nothing: every object keeps its
 * resourceVersion, and its plan names every write the real run then makes, in order.
 */
class DryRunTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(30));

    private static final Duration WAIT = Duration.ofSeconds(20);

    private BlueGreen engine;

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();

    @BeforeEach
    void seed() {
        SIM.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .resource(new HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("myapp-hpa")
                        .endMetadata()
                        .withNewSpec()
                        .withMinReplicas(2)
                        .withMaxReplicas(10)
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("myapp-blue")
                        .endScaleTargetRef()
                        .endSpec()
                        .build())
                .create();
        engine = SIM.engine(namespace).build();
    }

    private DeployRequest deploy(String image) {
        return DeployRequest.builder("myapp")
                .image(image)
                .previewService("myapp-preview")
                .holder(HOLDER)
                .build();
    }

    private void release(String image) {
        engine.awaitHealthy(engine.deploy(deploy(image)), WAIT);
    }

    @Test
    void aDryDeployWritesNothingAndNamesEveryWriteTheRealDeployMakes() {
        Map<String, String> before = versions();

        BlueGreen dry = engine.dryRun();
        Release planned = dry.deploy(deploy("myapp:2"));
        dry.awaitHealthy(planned, WAIT);
        Plan plan = dry.plan();

        assertThat(versions()).isEqualTo(before);
        assertThat(planned.newColor()).isEqualTo(Color.GREEN);
        assertThat(plan.render())
                .contains(
                        "create Deployment myapp-green",
                        "spec.replicas: 2",
                        "spec.template.spec.containers[0].image: myapp:2",
                        "create Lease myapp-bluegreen",
                        "guard: must not exist yet",
                        "create Service myapp-preview");
        assertThat(plan.then()).anySatisfy(step -> assertThat(step)
                .startsWith("wait until Deployment myapp-green is healthy")
                .contains("timeout 20s"));

        SIM.sim().requests().reset();
        release("myapp:2");
        assertThat(realWrites()).isEqualTo(writesOf(plan));
    }

    @Test
    void aDrySwitchTwiceChangesNoResourceVersionAndTheRealSwitchMakesThePlannedWrites() {
        release("myapp:2");
        Map<String, String> before = versions();
        assertThat(before)
                .containsKeys(
                        "services/myapp-preview",
                        "leases/myapp-bluegreen",
                        "horizontalpodautoscalers/myapp-hpa",
                        "deployments/myapp-green");

        SwitchRequest request = SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .approvedBy("alice")
                .build();
        BlueGreen first = engine.dryRun();
        SwitchResult planned = first.switchTraffic(request);
        BlueGreen second = engine.dryRun();
        second.switchTraffic(request);

        assertThat(versions()).isEqualTo(before);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(planned.to()).isEqualTo(Color.GREEN);
        Plan plan = first.plan();
        assertThat(writesOf(second.plan())).isEqualTo(writesOf(plan));
        PlannedWrite service = plan.writes().get(0);
        assertThat(service.target()).isEqualTo("update Service myapp");
        assertThat(service.changes()).contains("spec.selector." + COLOR + ": blue → green");
        assertThat(service.guard()).isEqualTo("resourceVersion " + before.get("services/myapp"));
        assertThat(plan.render())
                .contains(
                        "patch HorizontalPodAutoscaler myapp-hpa",
                        "/spec/scaleTargetRef/name: myapp-blue → myapp-green",
                        "guard: JSON patch test /spec/scaleTargetRef/name");
        assertThat(plan.then())
                .anySatisfy(step -> assertThat(step).startsWith("confirm that Service myapp's endpoints"));

        SIM.sim().requests().reset();
        engine.switchTraffic(request);
        assertThat(realWrites()).isEqualTo(writesOf(plan));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
    }

    @Test
    void aDryVerifiedSwitchPlansTheWindowInsteadOfWatchingAColourThatDidNotGoLive() {
        release("myapp:2");
        Map<String, String> before = versions();

        BlueGreen dry = engine.dryRun();
        SwitchResult planned = dry.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .verifyFor(Duration.ofMinutes(10))
                .build());

        assertThat(planned.to()).isEqualTo(Color.GREEN);
        assertThat(versions()).isEqualTo(before);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(dry.plan().then())
                .anySatisfy(step ->
                        assertThat(step).startsWith("verify green for 10m").contains("switches traffic back to blue"));
    }

    @Test
    void aDryRollbackPlansTheSwitchBackAndTheRealOneMakesIt() {
        release("myapp:2");
        engine.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build());
        Map<String, String> before = versions();

        BlueGreen dry = engine.dryRun();
        RollbackResult planned =
                dry.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build());

        assertThat(versions()).isEqualTo(before);
        assertThat(planned.liveColor()).isEqualTo(Color.BLUE);
        assertThat(dry.plan().render()).contains("spec.selector." + COLOR + ": green → blue");

        SIM.sim().requests().reset();
        engine.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build());
        assertThat(realWrites()).isEqualTo(writesOf(dry.plan()));
    }

    @Test
    void aLockHeldBySomeoneElseIsTheSameRefusalInADryRun() {
        engine.acquireLock("myapp", "https://ci.example/job/other/7/", Duration.ZERO);
        Map<String, String> before = versions();

        Throwable dry = catchThrowable(() -> engine.dryRun().deploy(deploy("myapp:2")));
        Throwable real = catchThrowable(() -> engine.deploy(deploy("myapp:2")));

        assertThat(dry).isInstanceOf(LockHeldException.class).hasMessage(real.getMessage());
        assertThat(versions()).isEqualTo(before);
    }

    @Test
    void anOpenRollbackWindowIsTheSameRefusalInADryRun() {
        release("myapp:2");
        engine.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ofMinutes(10))
                .build());
        Map<String, String> before = versions();

        Throwable dry = catchThrowable(() -> engine.dryRun().deploy(deploy("myapp:3")));
        Throwable real = catchThrowable(() -> engine.deploy(deploy("myapp:3")));

        assertThat(dry).isInstanceOf(RollbackWindowOpenException.class).hasMessage(real.getMessage());
        assertThat(versions()).isEqualTo(before);
    }

    @Test
    void aPlanIsOnlyForADryRunEngine() {
        assertThatThrownBy(engine::plan).isInstanceOf(IllegalStateException.class);
        assertThat(engine.dryRun().isDryRun()).isTrue();
        assertThat(engine.dryRun().plan().writes()).isEmpty();
    }

    private static Throwable catchThrowable(Runnable r) {
        try {
            r.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    /** plural/name → resourceVersion of everything a release touches. */
    private Map<String, String> versions() {
        var c = SIM.client();
        Map<String, String> out = new LinkedHashMap<>();
        List<HasMetadata> objects = new java.util.ArrayList<>();
        objects.addAll(c.services().inNamespace(namespace).list().getItems());
        objects.addAll(c.apps().deployments().inNamespace(namespace).list().getItems());
        objects.addAll(c.leases().inNamespace(namespace).list().getItems());
        objects.addAll(c.autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .list()
                .getItems());
        for (HasMetadata o : objects) {
            out.put(
                    plural(o.getKind()) + "/" + o.getMetadata().getName(),
                    o.getMetadata().getResourceVersion());
        }
        return out;
    }

    private static String plural(String kind) {
        return kind.toLowerCase(Locale.ROOT) + "s";
    }

    private List<String> writesOf(Plan plan) {
        // a create goes to the collection: its path names no object
        return plan.writes().stream()
                .map(w -> w.verb() + " " + plural(w.kind()) + (w.verb().equals("create") ? "" : "/" + w.name()))
                .toList();
    }

    /** The writes kube-sim received for real (not dry runs) in this test's namespace. */
    private List<String> realWrites() {
        return SIM.sim().requests().writes().stream()
                .filter(w -> !w.dryRun() && w.path().contains("/namespaces/" + namespace + "/"))
                .map(DryRunTest::write)
                .toList();
    }

    private static String write(ClientRequest request) {
        String[] parts = request.path().split("/");
        return request.verb().equals("create")
                ? "create " + parts[parts.length - 1]
                : request.verb() + " " + parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }
}
