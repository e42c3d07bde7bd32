package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every bad input is refused with the field and the fix, before any write: a dump of every object in the namespace
 * (resourceVersions included) is identical before and after.
 */
class BadInputTest {
    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    private String namespace;
    private SimApps apps;
    private BlueGreen blueGreen;

    @BeforeEach
    void seed() {
        namespace = SIM.newNamespace();
        apps = new SimApps(SIM.client(), namespace);
        apps.seedLive("myapp", Color.BLUE, 2, "myapp:1");
        blueGreen = BlueGreen.builder(SIM.client()).namespace(namespace).build();
    }

    @AfterEach
    void clearFaults() {
        SIM.sim().faults().clear();
        SIM.sim().scripts().clear();
    }

    private void assertRefusedUnchanged(String field, ThrowingCallable call) {
        String before = apps.quietDump();
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.fix()).isNotBlank();
            assertThat(e.getMessage()).startsWith(field + ":").contains("nothing was changed");
        });
        String after = apps.dump();
        assertThat(after.equals(before)).as("changed: %s", SimApps.changedObjects(before, after)).isTrue();
    }

    private DeployRequest.Builder deploy() {
        return DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER);
    }

    @Test
    void appNameThatIsNotDns1123() {
        assertRefusedUnchanged("app", () -> blueGreen.deploy(DeployRequest.builder("My_App").image("x:1").holder(HOLDER).build()));
        assertRefusedUnchanged("app", () -> blueGreen.status("My_App"));
    }

    @Test
    void appNameTooLongForItsColourDeployments() {
        assertRefusedUnchanged("app", () -> blueGreen.deploy(DeployRequest.builder("a".repeat(60)).image("x:1")
                .holder(HOLDER).build()));
    }

    @Test
    void namespaceThatDoesNotExist() {
        BlueGreen elsewhere = BlueGreen.builder(SIM.client()).namespace("no-such-namespace").build();

        assertRefusedUnchanged("namespace", () -> elsewhere.deploy(deploy().build()));
    }

    @Test
    void namespaceNotGiven() {
        assertThatThrownBy(() -> BlueGreen.builder(SIM.client()).namespace(" ").build())
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("namespace"));
    }

    @Test
    void missingServiceWithANamespacedRoleOnly() {
        // least privilege: reading namespaces is forbidden, the Service lookup alone must tell
        SIM.sim().faults().add(FaultRule.on("get", "/api/v1/namespaces/" + namespace).respond(403));

        assertRefusedUnchanged("service", () -> blueGreen.deploy(deploy().service("nope").build()));
    }

    @Test
    void missingService() {
        assertRefusedUnchanged("service", () -> blueGreen.deploy(DeployRequest.builder("other").image("x:1")
                .holder(HOLDER).build()));
    }

    @Test
    void serviceWithoutSelector() {
        replaceSelector(Map.of());
        assertRefusedUnchanged("service.selector", () -> blueGreen.deploy(deploy().build()));
    }

    @Test
    void serviceSelectingNoColour() {
        replaceSelector(Map.of("app", "myapp", COLOR, "red"));
        assertRefusedUnchanged("service.selector", () -> blueGreen.deploy(deploy().build()));
        assertRefusedUnchanged("service.selector", () -> blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER).build()));
    }

    @Test
    void serviceSelectingBothColours() {
        blueGreen.deploy(deploy().build());
        blueGreen.releaseLock("myapp", HOLDER);
        replaceSelector(Map.of("app", "myapp"));

        assertRefusedUnchanged("service.selector", () -> blueGreen.deploy(deploy().build()));
    }

    @Test
    void emptyOrMissingImage() {
        assertRefusedUnchanged("image", () -> blueGreen.deploy(deploy().image(" ").build()));
        assertRefusedUnchanged("image", () -> blueGreen.deploy(deploy().image(null).build()));
    }

    @Test
    void manifestThatIsNotYamlNotADeploymentOrHasNoContainers() {
        assertRefusedUnchanged("manifest", () -> blueGreen.deploy(deploy().image(null).manifest("{: not yaml [").build()));
        assertRefusedUnchanged("manifest", () -> blueGreen.deploy(deploy().image(null)
                .manifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n").build()));
        assertRefusedUnchanged("manifest", () -> blueGreen.deploy(deploy().image(null).manifest(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n"
                        + "      containers: []\n").build()));
    }

    @Test
    void unreadableManifestFile() {
        assertThatThrownBy(() -> deploy().manifestFile(java.nio.file.Path.of("/no/such/file.yaml")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("manifest"));
    }

    @Test
    void negativeReplicas() {
        assertRefusedUnchanged("replicas", () -> blueGreen.deploy(deploy().replicas(-1).build()));
    }

    @Test
    void nonPositiveTimeouts() {
        assertRefusedUnchanged("timeout", () -> blueGreen.awaitHealthy("myapp", Color.BLUE, Duration.ZERO));
        assertRefusedUnchanged("timeout", () -> blueGreen.awaitHealthy("myapp", Color.BLUE, Duration.ofSeconds(-5)));
        assertRefusedUnchanged("timeout", () -> blueGreen.deploy(deploy().timeout(Duration.ZERO).build()));
    }

    @Test
    void missingHolder() {
        assertRefusedUnchanged("holder", () -> blueGreen.deploy(deploy().holder(null).build()));
    }

    @Test
    void awaitingAColourThatWasNeverDeployed() {
        assertRefusedUnchanged("color", () -> blueGreen.awaitHealthy("myapp", Color.GREEN, Duration.ofSeconds(5)));
    }

    @Test
    void switchToAColourWhoseDeploymentDoesNotExist() {
        assertRefusedUnchanged("to", () -> blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build()));
    }

    @Test
    void switchToAColourThatIsNotReady() {
        SIM.sim().scripts().image("myapp:never", PodScript.NEVER_READY);
        blueGreen.deploy(deploy().image("myapp:never").build());

        assertRefusedUnchanged("to", () -> blueGreen.switchTraffic(SwitchRequest.builder("myapp").holder(HOLDER).build()));
    }

    @Test
    void rollbackWithNoPreviousColour() {
        assertRefusedUnchanged("previousColor", () -> blueGreen.rollback(RollbackRequest.builder("myapp").holder(HOLDER).build()));
    }

    @Test
    void previewServiceThatIsTheLiveService() {
        assertRefusedUnchanged("previewService", () -> blueGreen.deploy(deploy().previewService("myapp").build()));
    }

    @Test
    void unknownContainerForTheImage() {
        assertRefusedUnchanged("container", () -> blueGreen.deploy(deploy().container("sidecar").build()));
    }

    private void replaceSelector(Map<String, String> selector) {
        SIM.client().services().inNamespace(namespace).withName("myapp").edit(s -> new ServiceBuilder(s)
                .editSpec().withSelector(selector).endSpec().build());
    }
}
