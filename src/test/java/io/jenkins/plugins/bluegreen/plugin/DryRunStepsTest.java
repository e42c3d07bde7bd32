package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code dryRun: true} on switchTraffic (and blueGreenDeploy, rollback): the console shows the plan, the step returns
 * what the real step would, and nothing in the cluster changes — not even the Lease; a held lock fails the same way.
 */
class DryRunStepsTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 2);

    private Map<String, String> versions() {
        Map<String, String> out = new TreeMap<>();
        List<HasMetadata> objects = new ArrayList<>();
        objects.addAll(SIM.client().services().inNamespace(app.ns()).list().getItems());
        objects.addAll(
                SIM.client().apps().deployments().inNamespace(app.ns()).list().getItems());
        objects.addAll(SIM.client().leases().inNamespace(app.ns()).list().getItems());
        objects.forEach(o -> out.put(
                o.getKind() + "/" + o.getMetadata().getName(), o.getMetadata().getResourceVersion()));
        return out;
    }

    private void deployGreen() throws Exception {
        app.runToSuccess(app.deployStep("registry.example/shop:2.0"));
    }

    @Test
    void switchTrafficDryRunPrintsThePlanReturnsTheColourAndWritesNothing() throws Exception {
        deployGreen();
        Map<String, String> before = versions();
        SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
        step.setApprovedBy("bob");
        step.setDryRun(true);
        TestStepContext ctx = app.context();
        app.sim().start(step, ctx);

        assertThat(ctx.awaitSuccess()).isEqualTo("green");
        assertThat(ctx.console())
                .contains(
                        "[blue-green] dry run of switchTraffic app: 'shop': nothing was written",
                        "[blue-green] 1. update Service shop",
                        "spec.selector.bluegreen.jenkins.io/color: blue → green",
                        "guard: resourceVersion " + before.get("Service/shop"),
                        "then: confirm that Service shop's endpoints are exactly green's pods")
                .doesNotContain("switched shop");
        assertThat(versions()).isEqualTo(before);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().scaleDownStarted(app.ns(), "shop")).isFalse();

        SwitchTrafficStep real = app.onSim(new SwitchTrafficStep("shop"));
        assertThat(app.runToSuccess(real).awaitSuccess()).isEqualTo("green");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
    }

    @Test
    void aDryRunOfAnotherBuildWhileThisBuildHoldsTheLockFailsAsTheRealStep() throws Exception {
        deployGreen(); // this build keeps the lock
        Map<String, String> before = versions();
        SwitchTrafficStep dry = app.onSim(new SwitchTrafficStep("shop"));
        dry.setDryRun(true);
        TestStepContext other = TestStepContext.build("other-build-7");
        app.sim().start(dry, other);

        assertThat(other.awaitFailure()).isInstanceOf(AbortException.class).hasMessageContaining("locked by");
        assertThat(versions()).isEqualTo(before);
    }

    @Test
    void deployAndRollbackDryRunsWriteNothing() throws Exception {
        Map<String, String> seeded = versions();
        BlueGreenDeployStep deploy = app.deployStep("registry.example/shop:2.0");
        deploy.setDryRun(true);
        TestStepContext ctx = app.context();
        app.sim().start(deploy, ctx);

        @SuppressWarnings("unchecked")
        Map<String, Object> release = (Map<String, Object>) ctx.awaitSuccess();
        assertThat(release).containsEntry("newColor", "green").containsEntry("dryRun", true);
        assertThat(ctx.console())
                .contains("create Deployment shop-green", "then: wait until Deployment shop-green is healthy");
        assertThat(versions()).isEqualTo(seeded);

        deployGreen();
        Map<String, String> deployed = versions();
        RollbackStep rollback = app.onSim(new RollbackStep("shop"));
        rollback.setDryRun(true);
        TestStepContext rb = app.context();
        app.sim().start(rollback, rb);
        assertThat(rb.awaitSuccess()).isEqualTo("blue");
        assertThat(rb.console()).contains("Deployment shop-green", "spec.replicas: 2 → 0");
        assertThat(versions()).isEqualTo(deployed);
    }
}
