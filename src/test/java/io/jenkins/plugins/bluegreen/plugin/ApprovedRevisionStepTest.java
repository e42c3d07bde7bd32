package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The steps' side of "approval bound to the tested revision": blueGreenDeploy returns what was tested, switchTraffic
 * with expectRevision refuses a colour changed since, and blueGreenRelease does it by itself for its body's approval.
 */
class ApprovedRevisionStepTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 2);

    /** Static: a body is serialized with its context. */
    private static final AtomicReference<String> NAMESPACE = new AtomicReference<>();

    @SuppressWarnings("unchecked")
    private Map<String, Object> deployGreen() throws Exception {
        return (Map<String, Object>)
                app.runToSuccess(app.deployStep("registry.example/shop:2.0")).awaitSuccess();
    }

    /** What {@code kubectl set image deployment/shop-green shop=...:2.1} does, waited out until rolled out. */
    private static void setImageOnGreen(String namespace) {
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName("shop-green")
                .edit(d -> {
                    d.getSpec().getTemplate().getSpec().getContainers().get(0).setImage("registry.example/shop:2.1");
                    return d;
                });
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName("shop-green")
                .waitUntilCondition(ApprovedRevisionStepTest::rolledOut, 30, TimeUnit.SECONDS);
    }

    private static boolean rolledOut(Deployment d) {
        return d.getStatus() != null
                && d.getMetadata().getGeneration().equals(d.getStatus().getObservedGeneration())
                && d.getStatus().getUpdatedReplicas() != null
                && d.getStatus().getUpdatedReplicas() == 2
                && d.getStatus().getReadyReplicas() != null
                && d.getStatus().getReadyReplicas() == 2
                && d.getStatus().getReplicas() == 2;
    }

    private SwitchTrafficStep switchExpecting(Object revision) {
        SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
        step.setApprovedBy("alice");
        step.setExpectRevision((String) revision);
        return step;
    }

    @Test
    void deployReturnsTheTestedRevisionAndTheSwitchHeldToItGoesThrough() throws Exception {
        Map<String, Object> r = deployGreen();

        String digest = SIM.sim().images().digest("registry.example/shop:2.0");
        assertThat((String) r.get("testedRevision")).matches("[a-z0-9]+@" + digest);
        assertThat(r.get("imageDigests")).isEqualTo(List.of(digest));
        assertThat(r.get("revision")).isEqualTo("2.0"); // the version label keeps its meaning
        BlueGreenDeployStepTest.assertPlainSerializable(r);

        TestStepContext ctx = app.context();
        app.sim().start(switchExpecting(r.get("testedRevision")), ctx);
        assertThat(ctx.awaitSuccess()).isEqualTo("green");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history"))
                .contains("alice")
                .contains("\"podTemplateHash\":\"" + ((String) r.get("testedRevision")).split("@")[0] + "\"")
                .contains(digest);
    }

    @Test
    void aColourChangedAfterApprovalIsRefusedNamingBothRevisions() throws Exception {
        Map<String, Object> r = deployGreen();
        setImageOnGreen(app.ns());
        String history = app.sim().serviceAnnotation(app.ns(), "shop", "history");

        TestStepContext ctx = app.context();
        app.sim().start(switchExpecting(r.get("testedRevision")), ctx);

        assertThat(ctx.awaitFailure())
                .isInstanceOf(AbortException.class)
                .hasMessageContaining("switchTraffic: not switching to green")
                .hasMessageContaining((String) r.get("testedRevision"))
                .hasMessageContaining(SIM.sim().images().digest("registry.example/shop:2.1"))
                .hasMessageContaining("pod template changed");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "history")).isEqualTo(history);
    }

    @Test
    void aGarbledExpectRevisionIsRefusedBeforeAnythingNamingTheParameter() throws Exception {
        deployGreen();
        long writes = app.sim().writes();

        TestStepContext ctx = app.context();
        app.sim().start(switchExpecting("2.0"), ctx);

        assertThat(ctx.awaitFailure())
                .hasMessageContaining("expectRevision: '2.0' is not a revision")
                .hasMessageContaining("testedRevision");
        assertThat(app.sim().writes()).isEqualTo(writes);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
    }

    @Test
    void blueGreenReleaseRefusesAColourChangedWhileItsBodyWaited() throws Exception {
        NAMESPACE.set(app.ns());
        BlueGreenReleaseStep step = app.onSim(new BlueGreenReleaseStep("shop"));
        step.setImage("registry.example/shop:2.0");
        // someone changes green while the approver looks; the approver then approves what they were shown
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, () -> {
            setImageOnGreen(NAMESPACE.get());
            return "alice";
        });
        app.sim().start(step, ctx);

        assertThat(ctx.awaitFailure())
                .hasMessageContaining("blueGreenRelease: not switching to green")
                .hasMessageContaining("is no longer the revision that was approved");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(ctx.console()).contains("tested revision: ");
    }
}
