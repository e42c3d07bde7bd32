package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad input is refused with the field and the fix, before any write: a dump of every object in the namespace
 * (resourceVersions included) is identical before and after.
 */
class BadInputTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final SimApps apps = SIM.liveOnBlue(2);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen = SIM.engine(namespace).build();

    @AfterEach
    void clearFaults() {
        SIM.sim().faults().clear();
        SIM.sim().scripts().clear();
    }

    private void assertRefusedUnchanged(String field, ThrowingCallable call) {
        assertRefusedUnchanged(field, "", call);
    }

    /** @param problem a part of {@link InvalidInputException#problem()} that says what exactly is wrong */
    private void assertRefusedUnchanged(String field, String problem, ThrowingCallable call) {
        String before = apps.quietDump();
        assertThatThrownBy(call).isInstanceOfSatisfying(InvalidInputException.class, e -> {
            assertThat(e.field()).isEqualTo(field);
            assertThat(e.problem()).contains(problem);
            assertThat(e.fix()).isNotBlank();
            assertThat(e.getMessage()).startsWith(field + ":").contains("nothing was changed");
        });
        String after = apps.dump();
        assertThat(after.equals(before))
                .as("changed: %s", SimApps.changedObjects(before, after))
                .isTrue();
    }

    /**
     * A well-formed request the app's state rules out for now (the fronts report it as a failure, exit 1, not as bad
     * input): refused all the same before any write.
     */
    private void assertStateRefusedUnchanged(String problem, ThrowingCallable call) {
        String before = apps.quietDump();
        assertThatThrownBy(call).isInstanceOfSatisfying(RefusedException.class, e -> assertThat(e.getMessage())
                .contains(problem)
                .endsWith("(nothing was changed)"));
        String after = apps.dump();
        assertThat(after.equals(before))
                .as("changed: %s", SimApps.changedObjects(before, after))
                .isTrue();
    }

    private static DeployRequest.Builder deploy() {
        return DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER);
    }

    private static String manifest(String selector, String labels, String containers) {
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: myapp}\nspec:\n  selector: {matchLabels: "
                + selector + "}\n  template:\n    metadata: {labels: " + labels + "}\n    spec:\n      containers: "
                + containers + "\n";
    }

    /** One malformed request: what it is, the field it must name, a part of the problem, and the call. */
    record Malformed(String name, String field, String problem, Function<BlueGreen, ThrowingCallable> call) {
        @Override
        public String toString() {
            return name;
        }
    }

    /*
     * The inputs checked since the reliability work (docs/reliability.md, "Bad input"); the cases above predate it.
     * Each would have reached the cluster before: a namespace with a slash addressed other objects, a bad image
     * reference made pods stuck in InvalidImageName, a manifest the API server refuses was refused only after the lock
     * Lease (and an adoption) had been written, a preview Service of another app had its selector taken.
     */
    static Stream<Malformed> malformed() {
        return Stream.of(
                new Malformed(
                        "namespace not a DNS-1123 label",
                        "namespace",
                        "'Shop_NS' is not a valid namespace name",
                        bg -> () -> BlueGreen.builder(SIM.client())
                                .namespace("Shop_NS")
                                .build()),
                new Malformed(
                        "namespace with a slash",
                        "namespace",
                        "'default/services' is not a valid namespace",
                        bg -> () -> BlueGreen.builder(SIM.client())
                                .namespace("default/services")
                                .build()),
                new Malformed(
                        "image with an upper-case name",
                        "image",
                        "not a valid image reference",
                        bg -> () -> bg.deploy(
                                deploy().image("registry.example/MyApp:2").build())),
                new Malformed(
                        "image with two tags",
                        "image",
                        "'myapp:2:3' is not a valid image reference",
                        bg -> () -> bg.deploy(deploy().image("myapp:2:3").build())),
                new Malformed(
                        "image digest too short",
                        "image",
                        "not a valid image reference",
                        bg -> () -> bg.deploy(deploy().image("myapp@sha256:abc").build())),
                new Malformed(
                        "holder with a line break",
                        "holder",
                        "control character",
                        bg -> () ->
                                bg.deploy(deploy().holder("ci\nerror: forged").build())),
                new Malformed(
                        "holder too long",
                        "holder",
                        "is 1025 characters long (max 1024)",
                        bg -> () -> bg.acquireLock("myapp", "x".repeat(1025), Duration.ZERO)),
                new Malformed(
                        "holder blank on take-over", "holder", "is empty", bg -> () -> bg.takeOverLock("myapp", " ")),
                new Malformed(
                        "lock wait negative on deploy",
                        "lockWait",
                        "is negative",
                        bg -> () -> bg.deploy(
                                deploy().lockWait(Duration.ofSeconds(-1)).build())),
                new Malformed(
                        "lock wait negative on rollback",
                        "lockWait",
                        "is negative",
                        bg -> () -> bg.rollback(RollbackRequest.builder("myapp")
                                .holder(HOLDER)
                                .lockWait(Duration.ofSeconds(-1))
                                .build())),
                new Malformed(
                        "scale-down delay negative",
                        "scaleDownDelay",
                        "is negative",
                        bg -> () -> bg.switchTraffic(SwitchRequest.builder("myapp")
                                .holder(HOLDER)
                                .scaleDownDelay(Duration.ofSeconds(-30))
                                .build())),
                new Malformed(
                        "rollback timeout zero",
                        "timeout",
                        "must be positive",
                        bg -> () -> bg.rollback(RollbackRequest.builder("myapp")
                                .holder(HOLDER)
                                .timeout(Duration.ZERO)
                                .build())),
                new Malformed(
                        "Service name not a DNS-1123 label",
                        "service",
                        "'Shop_Web' is not a valid Service name",
                        bg -> () -> bg.status("myapp", "Shop_Web")),
                new Malformed(
                        "preview Service of another app",
                        "previewService",
                        "Service shop already exists and is not a preview of myapp",
                        bg -> () -> bg.deploy(deploy().previewService("shop").build())),
                new Malformed(
                        "manifest selector not in its pod labels",
                        "manifest",
                        "spec.selector.matchLabels {app=myapp, tier=web, bluegreen.jenkins.io/color=green} are not all",
                        bg -> () -> bg.deploy(deploy().image(null)
                                .manifest(manifest(
                                        "{app: myapp, tier: web}", "{app: myapp}", "[{name: app, image: \"myapp:2\"}]"))
                                .build())),
                new Malformed(
                        "manifest container without a name",
                        "manifest",
                        "containers[0] has no name",
                        bg -> () -> bg.deploy(deploy().image(null)
                                .manifest(manifest("{app: myapp}", "{app: myapp}", "[{image: \"myapp:2\"}]"))
                                .build())),
                new Malformed(
                        "manifest with two containers of one name",
                        "manifest",
                        "two containers are named app",
                        bg -> () -> bg.deploy(deploy().image(null)
                                .manifest(manifest(
                                        "{app: myapp}",
                                        "{app: myapp}",
                                        "[{name: app, image: \"myapp:2\"}, {name: app, image: \"side:1\"}]"))
                                .build())),
                new Malformed(
                        "manifest sidecar without an image",
                        "manifest",
                        "container side has no image",
                        bg -> () -> bg.deploy(deploy().manifest(manifest(
                                        "{app: myapp}",
                                        "{app: myapp}",
                                        "[{name: app, image: \"myapp:1\"}, {name: side}]"))
                                .image("myapp:2")
                                .build())),
                new Malformed(
                        "adopting an app already under blue-green",
                        "app",
                        "is already under blue-green",
                        bg -> () -> bg.adopt("myapp", null, HOLDER, Duration.ofSeconds(5))),
                new Malformed(
                        "settings: name pattern without the colour",
                        "deploymentNamePattern",
                        "lacks",
                        bg -> () -> BlueGreenSettings.builder()
                                .deploymentNamePattern("{app}-live")
                                .build()),
                new Malformed(
                        "settings: zero lease",
                        "leaseDuration",
                        "is not positive",
                        bg -> () -> BlueGreenSettings.builder()
                                .leaseDuration(Duration.ZERO)
                                .build()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedRequestIsRefusedBeforeAnyWrite(Malformed m) {
        SIM.client()
                .services()
                .inNamespace(namespace)
                .resource(TestObjects.service("shop", Map.of("app", "shop")))
                .create();
        assertRefusedUnchanged(m.field(), m.problem(), m.call().apply(blueGreen));
    }

    @Test
    void appNameThatIsNotDns1123() {
        assertRefusedUnchanged(
                "app",
                () -> blueGreen.deploy(DeployRequest.builder("My_App")
                        .image("x:1")
                        .holder(HOLDER)
                        .build()));
        assertRefusedUnchanged("app", () -> blueGreen.status("My_App"));
    }

    @Test
    void appNameTooLongForItsColourDeployments() {
        assertRefusedUnchanged(
                "app",
                () -> blueGreen.deploy(DeployRequest.builder("a".repeat(60))
                        .image("x:1")
                        .holder(HOLDER)
                        .build()));
    }

    @Test
    void namespaceThatDoesNotExist() {
        BlueGreen elsewhere =
                BlueGreen.builder(SIM.client()).namespace("no-such-namespace").build();

        assertRefusedUnchanged("namespace", () -> elsewhere.deploy(deploy().build()));
    }

    @Test
    void namespaceNotGiven() {
        assertThatThrownBy(() -> BlueGreen.builder(SIM.client()).namespace(" ").build())
                .isInstanceOfSatisfying(
                        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("namespace"));
    }

    @Test
    void missingServiceWithANamespacedRoleOnly() {
        // least privilege: reading namespaces is forbidden, the Service lookup alone must tell
        SIM.sim()
                .faults()
                .add(FaultRule.on("get", "/api/v1/namespaces/" + namespace).respond(403));

        assertRefusedUnchanged(
                "service", () -> blueGreen.deploy(deploy().service("nope").build()));
    }

    @Test
    void missingService() {
        assertRefusedUnchanged(
                "service",
                () -> blueGreen.deploy(DeployRequest.builder("other")
                        .image("x:1")
                        .holder(HOLDER)
                        .build()));
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
        assertRefusedUnchanged(
                "service.selector",
                () -> blueGreen.switchTraffic(
                        SwitchRequest.builder("myapp").holder(HOLDER).build()));
    }

    @Test
    void serviceSelectingBothColoursIsAStateANamedSwitchRepairs() {
        blueGreen.deploy(deploy().build());
        blueGreen.releaseLock("myapp", HOLDER);
        replaceSelector(Map.of("app", "myapp"));

        // not bad input but a state someone left: refused (exit 1 in the CLI), naming the switch that repairs it
        assertStateRefusedUnchanged("bluegreen switch --app myapp --to blue", () -> blueGreen.deploy(deploy().build()));
        assertStateRefusedUnchanged(
                "selects the pods of both colours",
                () -> blueGreen.switchTraffic(
                        SwitchRequest.builder("myapp").holder(HOLDER).build()));
    }

    @Test
    void emptyOrMissingImage() {
        assertRefusedUnchanged(
                "image", () -> blueGreen.deploy(deploy().image(" ").build()));
        assertRefusedUnchanged(
                "image", () -> blueGreen.deploy(deploy().image(null).build()));
    }

    @Test
    void manifestThatIsNotYamlNotADeploymentOrHasNoContainers() {
        assertRefusedUnchanged(
                "manifest",
                () -> blueGreen.deploy(
                        deploy().image(null).manifest("{: not yaml [").build()));
        assertRefusedUnchanged(
                "manifest",
                () -> blueGreen.deploy(deploy().image(null)
                        .manifest("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
                        .build()));
        assertRefusedUnchanged(
                "manifest",
                () -> blueGreen.deploy(deploy().image(null)
                        .manifest(
                                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec:\n  template:\n    spec:\n"
                                        + "      containers: []\n")
                        .build()));
    }

    @Test
    void unreadableManifestFile() {
        assertThatThrownBy(() -> deploy().manifestFile(java.nio.file.Path.of("/no/such/file.yaml")))
                .isInstanceOfSatisfying(
                        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("manifest"));
    }

    @Test
    void negativeReplicas() {
        assertRefusedUnchanged(
                "replicas", () -> blueGreen.deploy(deploy().replicas(-1).build()));
    }

    @Test
    void nonPositiveTimeouts() {
        assertRefusedUnchanged("timeout", () -> blueGreen.awaitHealthy("myapp", Color.BLUE, Duration.ZERO));
        assertRefusedUnchanged("timeout", () -> blueGreen.awaitHealthy("myapp", Color.BLUE, Duration.ofSeconds(-5)));
        assertRefusedUnchanged(
                "timeout",
                () -> blueGreen.deploy(deploy().timeout(Duration.ZERO).build()));
    }

    @Test
    void missingHolder() {
        assertRefusedUnchanged(
                "holder", () -> blueGreen.deploy(deploy().holder(null).build()));
    }

    @Test
    void awaitingAColourThatWasNeverDeployed() {
        assertRefusedUnchanged("color", () -> blueGreen.awaitHealthy("myapp", Color.GREEN, Duration.ofSeconds(5)));
    }

    @Test
    void switchToAColourWhoseDeploymentDoesNotExist() {
        assertStateRefusedUnchanged(
                "does not exist",
                () -> blueGreen.switchTraffic(
                        SwitchRequest.builder("myapp").holder(HOLDER).build()));
    }

    @Test
    void switchToAColourThatIsNotReady() {
        SIM.sim().scripts().image("myapp:never", PodScript.NEVER_READY);
        blueGreen.deploy(deploy().image("myapp:never").build());

        assertStateRefusedUnchanged(
                "is not ready yet",
                () -> blueGreen.switchTraffic(
                        SwitchRequest.builder("myapp").holder(HOLDER).build()));
    }

    @Test
    void rollbackWithNoPreviousColour() {
        assertStateRefusedUnchanged(
                "nothing to roll back",
                () -> blueGreen.rollback(
                        RollbackRequest.builder("myapp").holder(HOLDER).build()));
    }

    @Test
    void previewServiceThatIsTheLiveService() {
        assertRefusedUnchanged(
                "previewService",
                () -> blueGreen.deploy(deploy().previewService("myapp").build()));
    }

    @Test
    void unknownContainerForTheImage() {
        assertRefusedUnchanged(
                "container",
                () -> blueGreen.deploy(deploy().container("sidecar").build()));
    }

    private void replaceSelector(Map<String, String> selector) {
        SIM.client().services().inNamespace(namespace).withName("myapp").edit(s -> new ServiceBuilder(s)
                .editSpec()
                .withSelector(selector)
                .endSpec()
                .build());
    }
}
