package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import hudson.AbortException;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every bad parameter fails the step with its name and the fix, before any write reaches the cluster. */
class BadInputTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension();

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 1);

    /** Runs after SeededApp's seeding (extensions first), so only the step's own writes are counted. */
    @BeforeEach
    void countOnlyTheTestsRequests() {
        SIM.sim().requests().reset();
    }

    private String failureOf(ClusterStep step) throws Exception {
        TestStepContext ctx = app.context();
        app.sim().start(step, ctx);
        Throwable failure = ctx.awaitFailure();
        assertThat(failure).isInstanceOf(AbortException.class).hasNoCause();
        assertThat(app.sim().writes()).as("writes to the cluster").isZero();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
        assertThat(failure.getMessage()).doesNotContain(PluginSim.TOKEN);
        return failure.getMessage();
    }

    private BlueGreenDeployStep deploy(Consumer<BlueGreenDeployStep> setup) {
        BlueGreenDeployStep step = app.onSim(new BlueGreenDeployStep("shop"));
        setup.accept(step);
        return step;
    }

    @Test
    void noImageNorManifest() throws Exception {
        assertThat(failureOf(deploy(s -> {})))
                .isEqualTo("blueGreenDeploy: image: no image, manifest or manifestFile "
                        + "given — pass image: 'registry/myapp:2.0', or a Deployment as manifest: or manifestFile: "
                        + "(nothing was changed)");
    }

    @Test
    void manifestAndManifestFileTogether() throws Exception {
        assertThat(failureOf(deploy(s -> {
                    s.setManifestFile("deploy.yaml");
                    s.setManifest("kind: Deployment");
                })))
                .startsWith("blueGreenDeploy: manifest: both manifest and manifestFile given — pass the Deployment");
    }

    @Test
    void aDurationWithoutUnit() throws Exception {
        assertThat(failureOf(deploy(s -> {
                    s.setImage("registry.example/shop:2.0");
                    s.setTimeout("5");
                })))
                .isEqualTo("blueGreenDeploy: timeout: '5' has no unit — use a number with a unit, e.g. 500ms, 90s, 5m "
                        + "or 1h (nothing was changed)");
    }

    @Test
    void aZeroTimeoutAndANegativeLockWait() throws Exception {
        assertThat(failureOf(deploy(s -> {
                    s.setImage("registry.example/shop:2.0");
                    s.setTimeout("0");
                })))
                .startsWith("blueGreenDeploy: timeout: must be greater than zero");
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        sw.setLockWait("-5s");
        assertThat(failureOf(sw)).startsWith("switchTraffic: lockWait: '-5s' is negative");
    }

    @Test
    void blueGreenReleaseChecksItsOwnAndTheDeployParametersBeforeAnyWrite() throws Exception {
        BlueGreenReleaseStep noSource = app.onSim(new BlueGreenReleaseStep("shop"));
        assertThat(failureOf(noSource)).startsWith("blueGreenRelease: image: no image, manifest or manifestFile given");

        BlueGreenReleaseStep badDelay = app.onSim(new BlueGreenReleaseStep("shop"));
        badDelay.setImage("registry.example/shop:2.0");
        badDelay.setScaleDownDelay("10");
        assertThat(failureOf(badDelay)).startsWith("blueGreenRelease: scaleDownDelay: '10' has no unit");

        BlueGreenReleaseStep fromFile = app.onSim(new BlueGreenReleaseStep("shop"));
        fromFile.setManifestFile("k8s/deploy.yaml");
        assertThat(failureOf(fromFile))
                .isEqualTo("manifestFile needs a workspace: call blueGreenRelease inside node { }");
    }

    /** The engine's check, shared with the CLI: a duration that would overflow later is refused before any write. */
    @Test
    void durationsOverTheCap() throws Exception {
        assertThat(failureOf(deploy(s -> {
                    s.setImage("registry.example/shop:2.0");
                    s.setTimeout("9223372036854775807s");
                })))
                .isEqualTo(
                        "blueGreenDeploy: timeout: '9223372036854775807s' is too large (max 720h) — use at most 720h "
                                + "(30 days) (nothing was changed)");
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        sw.setScaleDownDelay("100000h");
        assertThat(failureOf(sw)).startsWith("switchTraffic: scaleDownDelay: '100000h' is too large (max 720h)");
    }

    /** Recorded in the Service's history and printed by status: one line, bounded, like the lock holder. */
    @Test
    void anApproverThatWouldForgeAHistoryLine() throws Exception {
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        sw.setApprovedBy("alice\n  2026-01-01T00:00:00Z  switch   -> green revision forged");
        assertThat(failureOf(sw))
                .isEqualTo("switchTraffic: approvedBy: contains a control character (e.g. a line "
                        + "break or an escape sequence) — pass a single-line name, e.g. alice or the approver's user id "
                        + "(nothing was changed)");
    }

    @Test
    void aColourThatIsNeitherBlueNorGreen() throws Exception {
        SwitchTrafficStep sw = app.onSim(new SwitchTrafficStep("shop"));
        sw.setTo("purple");
        assertThat(failureOf(sw))
                .isEqualTo("switchTraffic: to: 'purple' is not a colour — use 'blue' or 'green', or "
                        + "leave it out for the idle colour (nothing was changed)");
        AwaitHealthyStep await = app.onSim(new AwaitHealthyStep("shop"));
        await.setColor("red");
        assertThat(failureOf(await)).startsWith("awaitHealthy: color: 'red' is not a colour");
    }

    @Test
    void aMalformedAppName() throws Exception {
        BlueGreenDeployStep step = app.onSim(new BlueGreenDeployStep("Shop_1"));
        step.setImage("registry.example/shop:2.0");
        assertThat(failureOf(step)).startsWith("blueGreenDeploy: app: 'Shop_1' is not a valid application name");
    }

    @Test
    void manifestFileOutsideNode() throws Exception {
        assertThat(failureOf(deploy(s -> s.setManifestFile("k8s/deploy.yaml"))))
                .isEqualTo("manifestFile needs a workspace: call blueGreenDeploy inside node { }");
    }

    @Test
    void anUnknownCredentialsId() throws Exception {
        BlueGreenDeployStep step = deploy(s -> s.setImage("registry.example/shop:2.0"));
        step.setCredentialsId("nope");
        assertThat(failureOf(step))
                .startsWith(
                        "blueGreenDeploy: credentialsId: no credentials with ID 'nope' are " + "visible to this build");
    }

    @Test
    void aBadImageReferenceIsRefusedByCoreBeforeAnyWrite() throws Exception {
        assertThat(failureOf(deploy(s -> s.setImage("UPPER CASE:!")))).startsWith("blueGreenDeploy: image: ");
    }

    @Test
    void aServerUrlThatIsNotAUrl() throws Exception {
        BlueGreenDeployStep step = deploy(s -> s.setImage("registry.example/shop:2.0"));
        step.setServerUrl("kubernetes.local");
        assertThat(failureOf(step)).startsWith("blueGreenDeploy: serverUrl: 'kubernetes.local' is not an http(s) URL");
    }
}
