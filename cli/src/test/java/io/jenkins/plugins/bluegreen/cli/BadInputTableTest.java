package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of malformed input the CLI can be given, in one table: names, namespaces, images, manifests, durations,
 * replicas, colours, the lock holder, approvers, kubeconfigs, and requests the app's state makes impossible. Each row
 * must exit 2 (1 for a request the app's state rules out only for now: nothing to roll back, a colour not ready yet),
 * print exactly the expected first error line — which names the option (or the environment variable, or the
 * kubeconfig) to fix — print nothing on stdout, and leave every object in the namespace as it was, resourceVersions
 * included. Rows run in order against a few prepared namespaces; a row that wrote anything fails itself (and would
 * show in the next row's comparison too).
 *
 * <p>In expected messages {@code {ns}} stands for the row's namespace, {@code {tmp}} for the temp directory, and
 * {@code …} for text that varies between runs (rollout counts).
 */
class BadInputTableTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    static final String HANGING = "example.org/myapp:never-ready";
    static final String HOLDER = "cli:test@localhost";

    @TempDir
    static Path tmp;

    /** The states of an app the rows need; each gets one namespace, prepared once. */
    enum State {
        /** the seed: Service myapp selecting app=myapp,version=v1 in front of myapp-v1; also another app's Service */
        SEED,
        /** adopted: myapp-blue live, no green, no switch recorded yet */
        ADOPTED,
        /** adopted, and green deployed with an image that never gets ready */
        PENDING,
        /** a Service whose colour key names neither colour */
        RED_SELECTOR
    }

    private static final Map<State, String> NAMESPACES = new EnumMap<>(State.class);
    private static final Map<State, String> BASELINES = new EnumMap<>(State.class);

    /**
     * @param exit 2 for input the CLI or the engine refuses; 1 for a well-formed request the app's state rules out
     *             right now (nothing to roll back, the target colour not ready yet), which may succeed later
     */
    record Row(String name, State state, String holder, List<String> args, String expected, int exit) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void prepare() throws Exception {
        KubernetesClient client = SIM.client();
        SIM.sim().scripts().image(HANGING, PodScript.NEVER_READY);
        for (State state : State.values()) {
            String ns = SIM.newNamespace();
            NAMESPACES.put(state, ns);
            Seed.seed(client, ns, 2);
            BlueGreen engine = BlueGreen.builder(client).namespace(ns).build();
            switch (state) {
                case SEED ->
                    client.services()
                            .inNamespace(ns)
                            .resource(new ServiceBuilder()
                                    .withNewMetadata()
                                    .withName("shop")
                                    .endMetadata()
                                    .withNewSpec()
                                    .withSelector(Map.of("app", "shop"))
                                    .addNewPort()
                                    .withPort(80)
                                    .endPort()
                                    .endSpec()
                                    .build())
                            .create();
                case ADOPTED -> {
                    engine.adopt(Seed.APP, null, HOLDER, Duration.ofSeconds(30));
                    engine.releaseLock(Seed.APP, HOLDER);
                }
                case PENDING -> {
                    engine.deploy(DeployRequest.builder(Seed.APP)
                            .image(HANGING)
                            .holder(HOLDER)
                            .build());
                    engine.releaseLock(Seed.APP, HOLDER);
                }
                case RED_SELECTOR ->
                    client.services().inNamespace(ns).withName(Seed.APP).edit(s -> new ServiceBuilder(s)
                            .editSpec()
                            .withSelector(Map.of("app", "myapp", "bluegreen.jenkins.io/color", "red"))
                            .endSpec()
                            .build());
                default -> throw new IllegalStateException(state.name());
            }
        }
        for (State state : State.values()) {
            BASELINES.put(state, Seed.quiescentDump(client, NAMESPACES.get(state)));
        }
    }

    private static Path file(String name, String content) {
        try {
            return Files.writeString(tmp.resolve(name), content);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String manifest(String selector, String labels, String containers) {
        return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: myapp}\nspec:\n  selector: {matchLabels: "
                + selector + "}\n  template:\n    metadata: {labels: " + labels + "}\n    spec:\n      containers: "
                + containers + "\n";
    }

    private static String kubeconfig(String tweak) {
        return SIM.sim().kubeconfig().replace("current-context: kube-sim\n", tweak);
    }

    private static Row row(String name, State state, String expected, String... args) {
        return new Row(name, state, HOLDER, List.of(args), expected, ExitCodes.INVALID_INPUT);
    }

    /** A request the app's state rules out: exit 1, yet nothing written either. */
    private static Row refused(String name, State state, String expected, String... args) {
        return new Row(name, state, HOLDER, List.of(args), expected, ExitCodes.FAILED);
    }

    private static Row asHolder(String name, String holder, String expected, String... args) {
        return new Row(name, State.SEED, holder, List.of(args), expected, ExitCodes.INVALID_INPUT);
    }

    static Stream<Row> rows() {
        String valid = manifest("{app: myapp}", "{app: myapp}", "[{name: app, image: \"example.org/myapp:3\"}]");
        String dns = "use lower-case letters, digits and '-', starting and ending with a letter or digit";
        String nsRule = "use a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with"
                + " a letter or digit";
        String imageFix = "use [registry[:port]/]name[:tag][@digest] with a lower-case name, e.g. "
                + "registry.example/myapp:2.0";
        String units = "use a number with a unit, e.g. 500ms, 90s, 5m or 1h";
        String cap = "use at most 720h (30 days)";
        String approver = "pass a single-line name, e.g. alice or the approver's user id";
        String longApp = "a".repeat(60);
        List<Row> rows = new ArrayList<>(List.of(
                // names
                row(
                        "app not a DNS-1123 label",
                        State.SEED,
                        "error: --app: 'My_App' is not a DNS-1123 label — " + dns + " (nothing was changed)",
                        "status",
                        "--app",
                        "My_App"),
                row(
                        "app ending in a dash",
                        State.SEED,
                        "error: --app: 'myapp-' is not a DNS-1123 label — " + dns + " (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp-",
                        "--image",
                        Seed.V2),
                row(
                        "app empty",
                        State.SEED,
                        "error: --app: is empty — pass the app name, e.g. --app myapp (nothing was changed)",
                        "deploy",
                        "--app",
                        "",
                        "--image",
                        Seed.V2),
                row(
                        "app too long for its colour Deployments",
                        State.SEED,
                        "error: --app: '" + longApp + "' is too long: Deployment " + longApp + "-blue would have 65 "
                                + "characters (max 63) — use a shorter app name (nothing was changed)",
                        "deploy",
                        "--app",
                        longApp,
                        "--image",
                        Seed.V2),
                row(
                        "Service name not a DNS-1123 label",
                        State.SEED,
                        "error: --service: 'Shop_Web' is not a valid Service name — use a DNS-1123 label (lower-case "
                                + "letters, digits, '-') (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--service",
                        "Shop_Web"),
                row(
                        "Service that does not exist",
                        State.SEED,
                        "error: --service: Service nope not found in namespace {ns} — create the Service that fronts "
                                + "the app, or pass its name (--service) (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--service",
                        "nope"),
                row(
                        "preview Service name not a DNS-1123 label",
                        State.SEED,
                        "error: --preview-service: 'Preview_1' is not a valid Service name — use a DNS-1123 label "
                                + "(lower-case letters, digits, '-') (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--preview-service",
                        "Preview_1"),
                row(
                        "preview Service that is the live Service",
                        State.SEED,
                        "error: --preview-service: is the live Service myapp — name a separate Service, e.g. "
                                + "myapp-preview (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--preview-service",
                        "myapp"),
                row(
                        "preview Service that is another app's Service",
                        State.SEED,
                        "error: --preview-service: Service shop already exists and is not a preview of myapp (no "
                                + "bluegreen.jenkins.io/preview-of: myapp annotation), so re-pointing it could take its "
                                + "traffic — name a Service that does not exist yet, e.g. myapp-preview (nothing was "
                                + "changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--preview-service",
                        "shop"),
                // namespaces
                row(
                        "namespace that does not exist",
                        State.SEED,
                        "error: -n/--namespace: namespace no-such-namespace does not exist — pass the namespace the "
                                + "app runs in (-n), or create it (nothing was changed)",
                        "status",
                        "--app",
                        "myapp",
                        "-n",
                        "no-such-namespace"),
                row(
                        "namespace not a DNS-1123 label",
                        State.SEED,
                        "error: -n/--namespace: 'Shop_NS' is not a valid namespace name — " + nsRule
                                + " (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "-n",
                        "Shop_NS"),
                row(
                        "namespace with a slash, which would address other objects",
                        State.SEED,
                        "error: -n/--namespace: 'default/services' is not a valid namespace name — " + nsRule
                                + " (nothing was changed)",
                        "status",
                        "--app",
                        "myapp",
                        "-n",
                        "default/services"),
                row(
                        "namespace empty",
                        State.SEED,
                        "error: -n/--namespace is empty; pass a namespace name or leave the option out",
                        "status",
                        "--app",
                        "myapp",
                        "-n",
                        ""),
                // images
                row(
                        "image empty",
                        State.SEED,
                        "error: --image: is empty — pass an image reference, e.g. registry/myapp:2.0 (nothing was "
                                + "changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        ""),
                row(
                        "image with whitespace",
                        State.SEED,
                        "error: --image: 'myapp 2' contains whitespace — pass a single image reference, e.g. "
                                + "registry/myapp:2.0 (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        "myapp 2"),
                row(
                        "image with an upper-case name",
                        State.SEED,
                        "error: --image: 'example.org/MyApp:2' is not a valid image reference — " + imageFix
                                + " (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        "example.org/MyApp:2"),
                row(
                        "image with two tags",
                        State.SEED,
                        "error: --image: 'myapp:2:3' is not a valid image reference — " + imageFix
                                + " (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        "myapp:2:3"),
                row(
                        "image with an empty tag",
                        State.SEED,
                        "error: --image: 'myapp:' is not a valid image reference — " + imageFix
                                + " (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        "myapp:"),
                // manifests
                row(
                        "manifest that is not YAML",
                        State.SEED,
                        "error: --manifest: is not valid YAML for a Kubernetes object (…) — pass a Deployment in YAML "
                                + "(apiVersion: apps/v1, kind: Deployment) (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file("broken.yaml", "kind: [unclosed").toString()),
                row(
                        "manifest that is a Service",
                        State.SEED,
                        "error: --manifest: is a Service, not a Deployment — pass a Deployment (kind: Deployment) "
                                + "(nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\n")
                                .toString()),
                row(
                        "manifest of an old API version",
                        State.SEED,
                        "error: --manifest: has apiVersion extensions/v1beta1 — use apiVersion: apps/v1 (nothing was "
                                + "changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file("old.yaml", valid.replace("apps/v1", "extensions/v1beta1"))
                                .toString()),
                row(
                        "manifest with two documents",
                        State.SEED,
                        "error: --manifest: holds 2 YAML documents — pass only the Deployment (Services and the rest "
                                + "are not blue-green's to apply) (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file("two.yaml", valid + "---\napiVersion: v1\nkind: Service\nmetadata: {name: x}\n")
                                .toString()),
                row(
                        "manifest without containers",
                        State.SEED,
                        "error: --manifest: has no containers (spec.template.spec.containers is empty) — add at least "
                                + "one container with an image (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file("empty-pod.yaml", manifest("{app: myapp}", "{app: myapp}", "[]"))
                                .toString()),
                row(
                        "manifest whose container has no image",
                        State.SEED,
                        "error: --manifest: container app has no image — set its image in the manifest, or pass "
                                + "--image for it (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file("no-image.yaml", manifest("{app: myapp}", "{app: myapp}", "[{name: app}]"))
                                .toString()),
                row(
                        "manifest whose selector is not in its pod labels",
                        State.SEED,
                        "error: --manifest: spec.selector.matchLabels {app=myapp, tier=web, "
                                + "bluegreen.jenkins.io/color=green} are not all in the pod labels {app=myapp, "
                                + "bluegreen.jenkins.io/color=green}, so the Deployment would select none of its own "
                                + "pods — give spec.template.metadata.labels every spec.selector.matchLabels entry "
                                + "(nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file(
                                        "selector.yaml",
                                        manifest(
                                                "{app: myapp, tier: web}",
                                                "{app: myapp}",
                                                "[{name: app, image: \"example.org/myapp:3\"}]"))
                                .toString()),
                row(
                        "manifest whose pods the live Service would not select",
                        State.SEED,
                        "error: --manifest: pod labels {app=shop} lack {app=myapp}, which the live Service selects — "
                                + "add them to spec.template.metadata.labels (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file(
                                        "other-app.yaml",
                                        manifest(
                                                "{app: shop}",
                                                "{app: shop}",
                                                "[{name: app, image: \"example.org/myapp:3\"}]"))
                                .toString()),
                row(
                        "manifest file that does not exist",
                        State.SEED,
                        "error: --manifest: cannot read {tmp}/missing.yaml (no such file) — pass a readable "
                                + "Deployment YAML file (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        tmp.resolve("missing.yaml").toString()),
                row(
                        "manifest that is a directory",
                        State.SEED,
                        "error: --manifest: cannot read {tmp} (Is a directory) — pass a readable Deployment YAML file "
                                + "(nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        tmp.toString()),
                row(
                        "manifest that is an empty file",
                        State.SEED,
                        "error: --manifest: is empty — pass a Deployment in YAML (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file("empty.yaml", "").toString()),
                // replicas
                row(
                        "replicas negative",
                        State.SEED,
                        "error: --replicas: is -1 — pass 0 or more, or leave it out to use the live colour's count "
                                + "(nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--replicas",
                        "-1"),
                row(
                        "replicas not a number",
                        State.SEED,
                        "error: Invalid value for option '--replicas': 'many' is not an int",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--replicas",
                        "many"),
                row(
                        "replicas far beyond what a cluster can run",
                        State.SEED,
                        "error: --replicas: is 2147483647 (max 10000) — pass at most 10000 (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--replicas",
                        "2147483647"),
                row(
                        "manifest with negative replicas, once silently ignored",
                        State.SEED,
                        "error: --manifest: spec.replicas is -3 — set it to 0..10000, or leave it out to run as many "
                                + "as the live colour (--replicas overrides both) (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        file("minus3.yaml", valid.replace("spec:\n  selector", "spec:\n  replicas: -3\n  selector"))
                                .toString()),
                row(
                        "manifest that never ends (/dev/zero)",
                        State.SEED,
                        "error: --manifest: is larger than 1 MiB (the cap for a Deployment manifest) — pass the "
                                + "Deployment's own YAML file; the API server stores no object over 1.5 MiB (nothing was "
                                + "changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--manifest",
                        "/dev/zero"),
                // approvers
                row(
                        "approver with a line break that would forge a history line in status",
                        State.ADOPTED,
                        "error: --approved-by: contains a control character (e.g. a line break or an escape sequence) "
                                + "— " + approver + " (nothing was changed)",
                        "switch",
                        "--app",
                        "myapp",
                        "--approved-by",
                        "alice\n  2026-01-01T00:00:00Z  switch   -> green revision forged"),
                row(
                        "approver with an ANSI escape",
                        State.ADOPTED,
                        "error: --approved-by: contains a control character (e.g. a line break or an escape sequence) "
                                + "— " + approver + " (nothing was changed)",
                        "switch",
                        "--app",
                        "myapp",
                        "--approved-by",
                        "\u001b[1A\u001b[2Kmallory"),
                row(
                        "approver too long",
                        State.ADOPTED,
                        "error: --approved-by: is 300 characters long (max 256) — pass a short name, e.g. alice or the "
                                + "approver's user id (nothing was changed)",
                        "switch",
                        "--app",
                        "myapp",
                        "--approved-by",
                        "a".repeat(300)),
                row(
                        "replicas beyond an int",
                        State.SEED,
                        "error: Invalid value for option '--replicas': '99999999999' is not an int",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--replicas",
                        "99999999999"),
                // durations
                row(
                        "timeout zero",
                        State.SEED,
                        "error: Invalid value for option '--timeout': must be greater than zero; " + units,
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--timeout",
                        "0"),
                row(
                        "timeout without a unit",
                        State.SEED,
                        "error: Invalid value for option '--timeout': '5' has no unit; " + units,
                        "await",
                        "--app",
                        "myapp",
                        "--timeout",
                        "5"),
                row(
                        "timeout negative",
                        State.SEED,
                        "error: Invalid value for option '--timeout': '-1s' is negative; " + units,
                        "await",
                        "--app",
                        "myapp",
                        "--timeout",
                        "-1s"),
                row(
                        "timeout with a fraction",
                        State.SEED,
                        "error: Invalid value for option '--timeout': '1.5h' is not a duration; " + units,
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--timeout",
                        "1.5h"),
                row(
                        "timeout too large",
                        State.SEED,
                        "error: Invalid value for option '--timeout': '99999999999999999999h' is too large (max 720h); "
                                + cap,
                        "await",
                        "--app",
                        "myapp",
                        "--timeout",
                        "99999999999999999999h"),
                row(
                        "timeout of Long.MAX_VALUE seconds, which overflowed after the Lease was written",
                        State.SEED,
                        "error: Invalid value for option '--timeout': '9223372036854775807s' is too large (max 720h); "
                                + cap,
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--timeout",
                        "9223372036854775807s"),
                row(
                        "timeout just over the cap",
                        State.SEED,
                        "error: Invalid value for option '--timeout': '721h' is too large (max 720h); " + cap,
                        "await",
                        "--app",
                        "myapp",
                        "--timeout",
                        "721h"),
                row(
                        "scale-down delay over the cap",
                        State.ADOPTED,
                        "error: Invalid value for option '--scale-down-delay': '9223372036854775807s' is too large "
                                + "(max 720h); " + cap,
                        "switch",
                        "--app",
                        "myapp",
                        "--scale-down-delay",
                        "9223372036854775807s"),
                row(
                        "lock wait over the cap",
                        State.SEED,
                        "error: Invalid value for option '--lock-wait': '100000h' is too large (max 720h); " + cap,
                        "rollback",
                        "--app",
                        "myapp",
                        "--lock-wait",
                        "100000h"),
                row(
                        "scale-down delay negative",
                        State.SEED,
                        "error: Invalid value for option '--scale-down-delay': '-30s' is negative; " + units,
                        "switch",
                        "--app",
                        "myapp",
                        "--scale-down-delay",
                        "-30s"),
                row(
                        "lock wait negative",
                        State.SEED,
                        "error: Invalid value for option '--lock-wait': '-5s' is negative; " + units,
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2,
                        "--lock-wait",
                        "-5s"),
                // colours
                row(
                        "colour that does not exist",
                        State.SEED,
                        "error: Invalid value for option '--color': 'purple' is not a colour; use blue or green",
                        "await",
                        "--app",
                        "myapp",
                        "--color",
                        "purple"),
                row(
                        "switch target that is not a colour",
                        State.SEED,
                        "error: Invalid value for option '--to': 'red' is not a colour; use blue or green",
                        "switch",
                        "--app",
                        "myapp",
                        "--to",
                        "red"),
                row(
                        "switch target empty",
                        State.SEED,
                        "error: Invalid value for option '--to': '' is not a colour; use blue or green",
                        "switch",
                        "--app",
                        "myapp",
                        "--to",
                        ""),
                // approved revisions: the version label is not one, nor is a digest without its hash
                row(
                        "expected revision that is a version label",
                        State.ADOPTED,
                        "error: Invalid value for option '--expect-revision': '2.0' is not a revision; pass the tested "
                                + "revision that bluegreen deploy or bluegreen await printed: <pod-template-hash>@<digest>"
                                + "[,<digest>...], e.g. 5f7c9d8b6@sha256:3f0c…",
                        "switch",
                        "--app",
                        "myapp",
                        "--expect-revision",
                        "2.0"),
                row(
                        "expected revision without its pod-template-hash",
                        State.ADOPTED,
                        "error: Invalid value for option '--expect-revision': 'sha256:" + "0".repeat(64) + "' is not a "
                                + "revision; pass the tested revision that bluegreen deploy or bluegreen await printed: "
                                + "<pod-template-hash>@<digest>[,<digest>...], e.g. 5f7c9d8b6@sha256:3f0c…",
                        "switch",
                        "--app",
                        "myapp",
                        "--expect-revision",
                        "sha256:" + "0".repeat(64)),
                // lock holder ids
                asHolder(
                        "holder with a line break",
                        "ci\nerror: forged",
                        "error: BLUEGREEN_HOLDER: contains a "
                                + "control character (e.g. a line break) — pass a single-line identity, e.g. the build "
                                + "URL or cli:user@host (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2),
                asHolder(
                        "holder too long",
                        "x".repeat(2000),
                        "error: BLUEGREEN_HOLDER: is 2000 characters long (max "
                                + "1024) — pass a short identity, e.g. the build URL or cli:user@host (nothing was "
                                + "changed)",
                        "switch",
                        "--app",
                        "myapp"),
                // kubeconfigs
                row(
                        "kubeconfig that does not exist",
                        State.SEED,
                        "error: --kubeconfig {tmp}/nope cannot be read (no such file); pass a readable kubeconfig file,"
                                + " e.g. the one `bluegreen sim --kubeconfig-out` writes",
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        tmp.resolve("nope").toString()),
                row(
                        "kubeconfig that is a directory",
                        State.SEED,
                        "error: --kubeconfig {tmp} is a directory; pass the kubeconfig file itself",
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        tmp.toString()),
                row(
                        "kubeconfig that is not YAML",
                        State.SEED,
                        "error: --kubeconfig {tmp}/garbage.kubeconfig is not a kubeconfig (not valid YAML at line …); "
                                + "pass a kubeconfig YAML file",
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        file("garbage.kubeconfig", "users:\n- name: me\n  user: {token: s3cr3t-in-broken-yaml\n")
                                .toString()),
                row(
                        "kubeconfig that is an empty file",
                        State.SEED,
                        "error: --kubeconfig {tmp}/empty.kubeconfig is not a kubeconfig (empty document); pass a "
                                + "kubeconfig YAML file",
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        file("empty.kubeconfig", "").toString()),
                row(
                        "kubeconfig that is some other YAML",
                        State.SEED,
                        "error: --kubeconfig {tmp}/manifest.kubeconfig is not a kubeconfig (it defines no clusters and "
                                + "no contexts); pass a kubeconfig YAML file",
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        file("manifest.kubeconfig", valid).toString()),
                row(
                        "kubeconfig context that does not exist",
                        State.SEED,
                        "error: --context prod: no such context in {tmp}/ok.kubeconfig (available: kube-sim); pass one "
                                + "of those names",
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        file("ok.kubeconfig", kubeconfig("current-context: kube-sim\n"))
                                .toString(),
                        "--context",
                        "prod"),
                row(
                        "kubeconfig without a current context",
                        State.SEED,
                        "error: kubeconfig {tmp}/no-current.kubeconfig has no current-context; pass --context NAME "
                                + "(available: kube-sim)",
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        file("no-current.kubeconfig", kubeconfig("")).toString()),
                row(
                        "kubeconfig whose current context is not defined",
                        State.SEED,
                        "error: kubeconfig {tmp}/dangling.kubeconfig: current-context 'staging' is not defined in it "
                                + "(available: kube-sim); pass --context NAME",
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        file("dangling.kubeconfig", kubeconfig("current-context: staging\n"))
                                .toString()),
                // requests the app's state makes impossible
                row(
                        "switch before the app is under blue-green",
                        State.SEED,
                        "error: --app: Service myapp has no colour key yet, so myapp is not under blue-green — deploy "
                                + "a version first: deploy adopts the app (and finishes an adoption that was cut short) "
                                + "(nothing was changed)",
                        "switch",
                        "--app",
                        "myapp",
                        "--to",
                        "green"),
                refused(
                        "rollback with no previous colour",
                        State.ADOPTED,
                        "error: nothing to roll back: Service myapp records no previous colour (traffic was never "
                                + "switched) — nothing to do; to undo a deployed but unswitched release, it must still "
                                + "be running (nothing was changed)",
                        "rollback",
                        "--app",
                        "myapp"),
                refused(
                        "switch to a colour that does not exist",
                        State.ADOPTED,
                        "error: cannot switch to green: Deployment myapp-green does not exist — deploy it and await it "
                                + "healthy first (bluegreen await) (nothing was changed)",
                        "switch",
                        "--app",
                        "myapp",
                        "--to",
                        "green"),
                row(
                        "await a colour that was never deployed",
                        State.ADOPTED,
                        "error: --color: Deployment myapp-green does not exist — deploy green first, or await the "
                                + "other colour (nothing was changed)",
                        "await",
                        "--app",
                        "myapp",
                        "--color",
                        "green",
                        "--timeout",
                        "5s"),
                // --to was not given: the message must not name it
                refused(
                        "switch to a colour that is not ready yet",
                        State.PENDING,
                        "error: cannot switch to green: Deployment myapp-green is not ready yet: its rollout is not "
                                + "complete (…/2 ready, …/2 updated, …/2 available) — deploy it and await it healthy "
                                + "first (bluegreen await) (nothing was changed)",
                        "switch",
                        "--app",
                        "myapp",
                        "--scale-down-delay",
                        "0"),
                row(
                        "Service selecting a colour that does not exist",
                        State.RED_SELECTOR,
                        "error: service.selector: Service myapp selects bluegreen.jenkins.io/color=red, which is "
                                + "neither colour, so it selects no colour Deployment — set bluegreen.jenkins.io/color "
                                + "to blue or green (nothing was changed)",
                        "deploy",
                        "--app",
                        "myapp",
                        "--image",
                        Seed.V2)));
        return rows.stream();
    }

    @ParameterizedTest(name = "{index}: {0}")
    @MethodSource("rows")
    void exitsNamingTheInputAndChangesNothing(Row row) throws Exception {
        String ns = NAMESPACES.get(row.state());
        List<String> args = new ArrayList<>(row.args());
        if (!args.contains("--kubeconfig")) {
            args.addAll(List.of("--kubeconfig", SIM_KUBECONFIG.get().toString()));
        }
        if (!args.contains("-n")) {
            args.addAll(List.of("-n", ns));
        }

        CliRun.Result r =
                CliRun.run(Map.of(HolderIdentity.ENV, row.holder(), "USER", "tester"), "", args.toArray(String[]::new));

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(row.exit());
        assertThat(r.out()).as(r.toString()).isEmpty();
        String first = r.err().lines().findFirst().orElse("");
        assertThat(first).as(r.toString()).matches(expected(row.expected(), ns));
        assertThat(r.err()).as("credentials never printed").doesNotContain("s3cr3t");
        // object by object, so a failure shows just the objects that changed
        assertThat(Seed.dump(SIM.client(), ns).lines().toList())
                .as("objects changed by row: " + row.name())
                .containsExactlyElementsOf(BASELINES.get(row.state()).lines().toList());
    }

    /** The sim's kubeconfig, written once for all rows. */
    private static final java.util.function.Supplier<Path> SIM_KUBECONFIG = new java.util.function.Supplier<>() {
        private Path written;

        @Override
        public synchronized Path get() {
            if (written == null) {
                written = tmp.resolve("sim.kubeconfig");
                SIM.sim().writeKubeconfig(written);
            }
            return written;
        }
    };

    private static Pattern expected(String message, String ns) {
        String literal = message.replace("{ns}", ns).replace("{tmp}", tmp.toString());
        StringBuilder regex = new StringBuilder();
        String[] parts = literal.split("…", -1);
        for (int i = 0; i < parts.length; i++) {
            regex.append(Pattern.quote(parts[i]));
            if (i < parts.length - 1) {
                regex.append(".*");
            }
        }
        return Pattern.compile(regex.toString());
    }
}
