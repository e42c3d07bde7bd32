package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI with real credentials against an HTTPS API server that enforces RBAC (kube-sim with {@code rbac} and
 * {@code https}): docs/rbac.yaml is enough for every command; a missing permission is exit 1 naming the verb and
 * resource; a token never reaches any output; TLS verification is on unless the kubeconfig turns it off, and then
 * the CLI says so.
 */
class CredentialsTest {

    @RegisterExtension
    static final KubeSimExtension SIM =
            new KubeSimExtension(KubeSim.builder().rbac(true).https(true).readyDelay(Duration.ofMillis(100)));

    /** Maven runs the CLI's tests in cli/. */
    static final Path RBAC_YAML = Path.of("..", "docs", "rbac.yaml");
    /** Planted in the kubeconfig; must never be printed. */
    static final String TOKEN = "planted-token-6b1f0c9e2d";

    static final String JENKINS = "system:serviceaccount:ci:jenkins";

    @TempDir
    Path tmp;

    String ns;
    KubernetesClient admin;
    /** Everything every command printed, for the final grep. */
    final List<CliRun.Result> printed = new ArrayList<>();

    @BeforeEach
    void namespaceWithTheRole() throws Exception {
        ns = SIM.newNamespace();
        admin = SIM.client();
        SIM.sim().rbac().addToken(TOKEN, JENKINS, "system:serviceaccounts", "system:serviceaccounts:ci");
        try (InputStream in = Files.newInputStream(RBAC_YAML)) {
            admin.load(in).inNamespace(ns).forceConflicts().serverSideApply();
        }
        Seed.seed(admin, ns, 2);
    }

    private Path kubeconfig(String name, String kubeconfig) throws Exception {
        return Files.writeString(tmp.resolve(name), kubeconfig);
    }

    private CliRun.Result run(Path kubeconfig, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", kubeconfig.toString(), "-n", ns));
        CliRun.Result r = CliRun.run(
                Map.of(HolderIdentity.ENV, "https://ci.example/job/shop/7/", "USER", "tester"),
                "",
                all.toArray(String[]::new));
        printed.add(r);
        return r;
    }

    private CliRun.Result ok(Path kubeconfig, String... args) {
        CliRun.Result r = run(kubeconfig, args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
        return r;
    }

    private void assertTokenNeverPrinted() {
        assertThat(printed).isNotEmpty().allSatisfy(r -> assertThat(r.out() + r.err())
                .doesNotContain(TOKEN));
    }

    @Test
    void everyCommandWorksWithTheRoleAndTheTokenIsNeverPrinted() throws Exception {
        Path kc = kubeconfig("jenkins.kubeconfig", SIM.sim().kubeconfig(TOKEN));

        ok(kc, "status", "--app", Seed.APP);
        ok(kc, "deploy", "--app", Seed.APP, "--image", Seed.V2, "--preview-service", "myapp-preview");
        ok(kc, "status", "--app", Seed.APP, "-o", "json");
        ok(kc, "switch", "--app", Seed.APP, "--approved-by", "ann", "--scale-down-delay", "1s");
        ok(kc, "rollback", "--app", Seed.APP);
        ok(kc, "deploy", "--app", Seed.APP, "--image", "example.org/myapp:3.0", "--no-wait");
        ok(kc, "await", "--app", Seed.APP, "--timeout", "30s");
        CliRun.Result abandoned = ok(kc, "rollback", "--app", Seed.APP);
        assertThat(abandoned.out()).contains("abandoned myapp-green");
        CliRun.Result json = ok(kc, "status", "--app", Seed.APP, "-o", "json");
        assertThat(json.out()).contains("\"liveColor\" : \"blue\"");
        assertThat(printed).allSatisfy(r -> assertThat(r.err()).doesNotContain("warning: TLS"));

        assertTokenNeverPrinted();
    }

    @Test
    void aMissingPermissionIsExit1NamingVerbAndResourceAndTheTokenIsNeverPrinted() throws Exception {
        String stranger = "planted-token-without-bindings-41c2";
        SIM.sim().rbac().addToken(stranger, "system:serviceaccount:ci:intruder");
        Path kc = kubeconfig("stranger.kubeconfig", SIM.sim().kubeconfig(stranger));

        CliRun.Result r = run(kc, "deploy", "--app", Seed.APP, "--image", Seed.V2);

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err())
                .startsWith("error: forbidden: needs verb get on resource deployments (API group apps) in "
                        + "namespace " + ns + ", while reading Deployment myapp-blue");
        assertThat(r.out() + r.err()).doesNotContain(stranger);
        assertTokenNeverPrinted();
    }

    /**
     * fabric8's informer logs a refused watch itself, with ~30 lines of stack trace, before the engine reports it; the
     * CLI's logging keeps library noise off the console, so stderr holds just the one line that says what to fix.
     */
    @Test
    void aRefusedWatchIsOneLineOnStderrWithoutTheLibrarysStackTrace() throws Exception {
        Path kc = kubeconfig("jenkins.kubeconfig", SIM.sim().kubeconfig(TOKEN));
        // never ready, so the wait cannot end on the informer's first list before its watch is refused
        SIM.sim()
                .scripts()
                .image("example.org/myapp:never-ready", io.jenkins.plugins.bluegreen.kubesim.PodScript.NEVER_READY);
        ok(kc, "deploy", "--app", Seed.APP, "--image", "example.org/myapp:never-ready", "--no-wait");
        io.fabric8.kubernetes.api.model.rbac.Role role = admin.rbac()
                .roles()
                .inNamespace(ns)
                .withName("bluegreen-deploy")
                .get();
        role.getRules().stream()
                .filter(r -> r.getResources().contains("pods"))
                .forEach(r -> r.setVerbs(
                        r.getVerbs().stream().filter(v -> !v.equals("watch")).toList()));
        admin.rbac().roles().inNamespace(ns).resource(role).update();

        java.io.PrintStream realErr = System.err;
        java.io.ByteArrayOutputStream libraryErr = new java.io.ByteArrayOutputStream();
        CliRun.Result r;
        System.setErr(new java.io.PrintStream(libraryErr, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r = run(kc, "await", "--app", Seed.APP, "--timeout", "1m");
        } finally {
            System.setErr(realErr);
        }

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(1);
        assertThat(r.err())
                .startsWith(
                        "error: forbidden: needs verb watch on resource pods (core API group) in " + "namespace " + ns);
        assertThat(r.err().lines().count()).as(r.err()).isEqualTo(1);
        assertThat(libraryErr.toString(java.nio.charset.StandardCharsets.UTF_8))
                .as("what the libraries logged")
                .doesNotContain("Reflector", "403", "\tat ", "Exception");
        assertTokenNeverPrinted();
    }

    @Test
    void noFailureQuotesTheToken() throws Exception {
        String wrong = "planted-but-unknown-token-77aa";
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Path unknown = kubeconfig("unknown.kubeconfig", SIM.sim().kubeconfig(wrong));
        Path unreachable = kubeconfig(
                "unreachable.kubeconfig",
                SIM.sim().kubeconfig(TOKEN).replace(SIM.sim().url(), "https://127.0.0.1:" + closedPort));
        // the parser stops on the token's own line, the line a YAML error message would quote
        Path brokenYaml = kubeconfig(
                "broken.kubeconfig", SIM.sim().kubeconfig(TOKEN).replace("token: " + TOKEN, "token: {" + TOKEN));
        Path otherContext = kubeconfig("context.kubeconfig", SIM.sim().kubeconfig(TOKEN));

        CliRun.Result unauthorized = run(unknown, "status", "--app", Seed.APP);
        assertThat(unauthorized.exitCode()).isEqualTo(1);
        assertThat(unauthorized.err())
                .startsWith("error: unauthorized: the Kubernetes API did not accept the " + "credentials (HTTP 401)");
        assertThat(run(unreachable, "status", "--app", Seed.APP).exitCode()).isEqualTo(1);
        assertThat(run(brokenYaml, "status", "--app", Seed.APP).err())
                .startsWith("error: --kubeconfig " + brokenYaml + " is not a kubeconfig (not valid YAML at line ");
        assertThat(run(otherContext, "status", "--app", Seed.APP, "--context", "prod")
                        .exitCode())
                .isEqualTo(2);

        assertTokenNeverPrinted();
        assertThat(printed).allSatisfy(r -> assertThat(r.out() + r.err()).doesNotContain(wrong));
    }

    @Test
    void tlsIsVerifiedUnlessTheKubeconfigTurnsItOffAndThenTheCliWarns() throws Exception {
        String withCa = SIM.sim().kubeconfig(TOKEN);
        assertThat(withCa).contains("certificate-authority-data: ");
        String withoutCa = withCa.replaceAll("    certificate-authority-data: .*\n", "");
        Path untrusted = kubeconfig("untrusted.kubeconfig", withoutCa);
        Path insecure = kubeconfig(
                "insecure.kubeconfig",
                withoutCa.replace("    server: ", "    insecure-skip-tls-verify: true\n    server: "));
        String before = Seed.quiescentDump(admin, ns);

        // the sim's certificate is self-signed: without its CA the CLI must refuse to talk, and change nothing
        CliRun.Result refused = run(untrusted, "deploy", "--app", Seed.APP, "--image", Seed.V2);
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err())
                .startsWith("error: cannot verify the Kubernetes API server's TLS certificate while ")
                .contains("certificate-authority-data");
        assertThat(Seed.dump(admin, ns)).isEqualTo(before);

        CliRun.Result warned = ok(insecure, "status", "--app", Seed.APP);
        assertThat(warned.err())
                .startsWith("warning: TLS verification is off for " + SIM.sim().url());

        CliRun.Result verified = ok(kubeconfig("ca.kubeconfig", withCa), "status", "--app", Seed.APP);
        assertThat(verified.err()).doesNotContain("warning");
        assertTokenNeverPrinted();
    }
}
