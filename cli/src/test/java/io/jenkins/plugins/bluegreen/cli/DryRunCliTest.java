package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.ClientRequest;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --dry-run} from the operator's chair: the plan is printed, nothing changes (every resourceVersion stays), the
 * real command then makes exactly the writes the plan named, and a refusal is the real command's, exit code included.
 */
class DryRunCliTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    private static final Pattern WRITE = Pattern.compile("(?m)^\\d+\\. (create|update|patch|delete) (\\S+) (\\S+)$");

    @TempDir
    Path tmp;

    SimCli cli;
    final KubernetesClient client = SIM.client();

    @BeforeEach
    void seed() {
        cli = SimCli.seeded(SIM, tmp, 3);
    }

    private void ok(String... args) {
        CliRun.Result r = cli.run(args);
        assertThat(r.exitCode()).as(r.toString()).isZero();
    }

    private Set<String> endpointPods() {
        Endpoints endpoints = client.endpoints()
                .inNamespace(cli.namespace())
                .withName(Seed.APP)
                .get();
        return endpoints.getSubsets().stream()
                .flatMap(s -> s.getAddresses().stream())
                .map(a -> a.getTargetRef().getName())
                .collect(Collectors.toSet());
    }

    @Test
    void switchDryRunTwiceChangesNothingThenTheRealSwitchMakesThePlannedWrites() throws Exception {
        ok("deploy", "--app", Seed.APP, "--image", Seed.V2);
        String before = Seed.quiescentDump(client, cli.namespace());
        assertThat(endpointPods()).isNotEmpty().allSatisfy(pod -> assertThat(pod)
                .startsWith("myapp-blue-"));

        CliRun.Result first = cli.run("switch", "--app", Seed.APP, "--approved-by", "alice", "--dry-run");
        CliRun.Result second = cli.run("switch", "--app", Seed.APP, "--approved-by", "alice", "--dry-run");

        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(first.out())
                .contains(
                        "dry run of bluegreen switch --app myapp: nothing was written",
                        "1. update Service myapp",
                        "spec.selector.bluegreen.jenkins.io/color: blue → green",
                        "guard: resourceVersion",
                        "then: confirm that Service myapp's endpoints are exactly green's pods")
                .doesNotContain("now selects");
        assertThat(planned(second.out())).isEqualTo(planned(first.out()));
        assertThat(Seed.quiescentDump(client, cli.namespace())).isEqualTo(before);
        assertThat(endpointPods()).allSatisfy(pod -> assertThat(pod).startsWith("myapp-blue-"));

        SIM.sim().requests().reset();
        ok("switch", "--app", Seed.APP, "--approved-by", "alice");

        assertThat(realWrites()).isEqualTo(planned(first.out()));
        assertThat(endpointPods()).hasSize(3).allSatisfy(pod -> assertThat(pod).startsWith("myapp-green-"));
    }

    @Test
    void aDryRunWhileAnotherHolderHasTheLockIsRefusedAsTheRealRun() throws Exception {
        ok("deploy", "--app", Seed.APP, "--image", Seed.V2); // parks the lock under cli:test@localhost
        String before = Seed.quiescentDump(client, cli.namespace());

        CliRun.Result dry = cli.runAs("cli:someone-else@host", "switch", "--app", Seed.APP, "--dry-run");
        CliRun.Result real = cli.runAs("cli:someone-else@host", "switch", "--app", Seed.APP);

        assertThat(dry.exitCode()).isEqualTo(real.exitCode()).isEqualTo(ExitCodes.FAILED);
        assertThat(dry.err()).isEqualTo(real.err()).contains("locked by cli:test@localhost");
        assertThat(dry.out()).doesNotContain("dry run of");
        assertThat(Seed.quiescentDump(client, cli.namespace())).isEqualTo(before);
    }

    @Test
    void deployRollbackAndAbandonDryRunsWriteNothingAndSayWhatWouldFollow() throws Exception {
        String seeded = Seed.quiescentDump(client, cli.namespace());
        CliRun.Result deploy = cli.run("deploy", "--app", Seed.APP, "--image", Seed.V2, "--dry-run");
        assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
        assertThat(deploy.out())
                .contains(
                        "create Deployment myapp-blue",
                        "create Deployment myapp-green",
                        "spec.template.spec.containers[0].image: " + Seed.V2,
                        "spec.replicas: 3",
                        "then: wait until Deployment myapp-green is healthy: 3 replicas updated, ready and available "
                                + "(timeout 10m)");
        assertThat(Seed.quiescentDump(client, cli.namespace())).isEqualTo(seeded);

        ok("deploy", "--app", Seed.APP, "--image", Seed.V2);
        String deployed = Seed.quiescentDump(client, cli.namespace());
        CliRun.Result abandon = cli.run("abandon", "--app", Seed.APP, "--dry-run");
        assertThat(abandon.exitCode()).as(abandon.toString()).isZero();
        assertThat(abandon.out()).contains("Deployment myapp-green", "spec.replicas: 3 → 0");

        ok("switch", "--app", Seed.APP);
        String switched = Seed.quiescentDump(client, cli.namespace());
        CliRun.Result rollback = cli.run("rollback", "--app", Seed.APP, "--dry-run");
        assertThat(rollback.exitCode()).as(rollback.toString()).isZero();
        assertThat(rollback.out()).contains("spec.selector.bluegreen.jenkins.io/color: green → blue");
        assertThat(Seed.quiescentDump(client, cli.namespace())).isEqualTo(switched);
        assertThat(deployed).isNotEqualTo(switched);
    }

    @Test
    void badInputInADryRunIsExit2() {
        CliRun.Result r = cli.run(
                "deploy",
                "--app",
                Seed.APP,
                "--manifest",
                tmp.resolve("missing.yaml").toString(),
                "--dry-run");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(ExitCodes.INVALID_INPUT);
    }

    /** "verb plural[/name]" of each numbered write in a printed plan (a create names the collection only). */
    private static List<String> planned(String out) {
        List<String> writes = new ArrayList<>();
        Matcher m = WRITE.matcher(out);
        while (m.find()) {
            String plural = m.group(2).toLowerCase(Locale.ROOT) + "s";
            writes.add(m.group(1) + " " + plural + (m.group(1).equals("create") ? "" : "/" + m.group(3)));
        }
        return writes;
    }

    private List<String> realWrites() {
        return SIM.sim().requests().writes().stream()
                .filter(w -> !w.dryRun() && w.path().contains("/namespaces/" + cli.namespace() + "/"))
                .map(DryRunCliTest::write)
                .toList();
    }

    private static String write(ClientRequest request) {
        String[] parts = request.path().split("/");
        return request.verb().equals("create")
                ? "create " + parts[parts.length - 1]
                : request.verb() + " " + parts[parts.length - 2] + "/" + parts[parts.length - 1];
    }
}
