package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.AbandonResult;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.Release;
import io.jenkins.plugins.bluegreen.core.RollbackRequest;
import io.jenkins.plugins.bluegreen.core.RollbackResult;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bluegreen demo}: the seed scenario end to end on an embedded kube-sim, showing after each step where the
 * Service's traffic goes. Every step is one engine call, exactly what {@code deploy}, {@code await}, {@code switch}
 * and {@code rollback} do against a real cluster; the demo adds only the seed, the gate and the display.
 */
@Command(
        name = "demo",
        description = {
            "Run the seed scenario end to end on an embedded kube-sim (no cluster needed): myapp v1 live "
                    + "with 10 replicas, v2 deployed into the idle colour and awaited, a Proceed/Abort gate, the switch, "
                    + "then a rollback, showing the Service selector and its endpoints' pods after each step.",
            "The answer is read from stdin, a terminal or a pipe (echo Proceed | bluegreen demo): Proceed, p, yes "
                    + "or y approve; Abort, a, no or n abort; stdin ending without an answer counts as Abort.",
            "Exits 3 when aborted. The global --kubeconfig/--context/-n options do not apply."
        })
final class DemoCommand extends CliCommand {

    static final String APP = "myapp";
    static final String NAMESPACE = "default";
    static final String NEW_IMAGE = "example.org/myapp:2.0";
    /** Long enough that rollout progress is visible ("3/10 ready"), short enough to finish well under 30 s. */
    static final Duration POD_READY_DELAY = Duration.ofMillis(800);

    static final Duration STEP_TIMEOUT = Duration.ofSeconds(20);
    /** How long the display waits for the endpoints to follow a selector change (kube-proxy's job on a cluster). */
    static final Duration ENDPOINTS_SETTLE = Duration.ofSeconds(3);

    /** The gate's answer given up front; neither means: ask at the terminal. */
    static final class Answer {
        @Option(names = "--yes", required = true, description = "answer Proceed at the approval gate")
        boolean yes;

        @Option(names = "--abort", required = true, description = "answer Abort at the approval gate")
        boolean abort;
    }

    @ArgGroup(exclusive = true)
    Answer answer = new Answer();

    private int step;

    @Override
    protected int execute() throws Exception {
        long started = System.nanoTime();
        try (KubeSim sim = KubeSim.builder().readyDelay(POD_READY_DELAY).build().start();
                KubernetesClient client = sim.newClient(NAMESPACE)) {
            out().println("kube-sim (embedded, stops with the demo) at " + sim.url());
            BlueGreen engine = BlueGreen.builder(client)
                    .namespace(NAMESPACE)
                    .listener(new ConsoleListener(out(), err()))
                    .build();
            TrafficView traffic =
                    new TrafficView(client, NAMESPACE, engine.settings().colorLabelKey(), out());
            String holder = HolderIdentity.of(root.env());

            section("Seed: myapp v1 live, 10 replicas behind NodePort Service myapp:30080 (no colours yet)");
            seed(client);
            traffic.show(APP, ENDPOINTS_SETTLE);

            section("Deploy v2 (" + NEW_IMAGE + ") into the idle colour");
            // the engine narrates: adoption of v1 as the live colour, then the new Deployment
            Release release = engine.deploy(DeployRequest.builder(APP)
                    .image(NEW_IMAGE)
                    .holder(holder)
                    .timeout(STEP_TIMEOUT)
                    .build());

            section("Await " + release.newColor() + " healthy");
            engine.awaitHealthy(APP, release.newColor(), STEP_TIMEOUT);
            out().printf("%s is healthy; users are still on %s:%n", release.newColor(), release.liveColor());
            traffic.show(APP, ENDPOINTS_SETTLE);

            section("Approval");
            Approval.Decision decision = new Approval(root.stdin(), out())
                    .decide(
                            "Switch live traffic from " + release.liveColor() + " to " + release.newColor() + " (v2)?",
                            answer.yes,
                            answer.abort);
            if (decision == Approval.Decision.ABORT) {
                section("Aborted: abandon " + release.newColor() + ", live traffic untouched");
                AbandonResult abandoned = engine.abandon(APP, holder);
                out().printf("live traffic untouched, still on %s:%n", abandoned.liveColor());
                traffic.show(APP, ENDPOINTS_SETTLE);
                finish(started, "aborted by a person: nothing was switched");
                return ExitCodes.ABORTED;
            }

            section("Switch traffic to " + release.newColor());
            SwitchResult switched = engine.switchTraffic(SwitchRequest.builder(APP)
                    .to(release.newColor())
                    .approvedBy(approver(answer.yes))
                    .holder(holder)
                    // keep the old colour running so the rollback below is instant
                    .scaleDownDelay(Duration.ZERO)
                    .build());
            out().printf("%s keeps running, so the rollback below is instant%n", switched.from());
            traffic.show(APP, ENDPOINTS_SETTLE);

            section("Roll back to " + switched.from());
            RollbackResult rolledBack = engine.rollback(RollbackRequest.builder(APP)
                    .holder(holder)
                    .approvedBy(approver(answer.yes))
                    .timeout(STEP_TIMEOUT)
                    .build());
            out().printf("users are back on %s:%n", rolledBack.liveColor());
            traffic.show(APP, ENDPOINTS_SETTLE);

            section("Status (what 'bluegreen status --app myapp' shows)");
            StatusTable.print(engine.status(APP), Instant.now(), out());
            finish(started, "done");
            return ExitCodes.OK;
        }
    }

    @Override
    protected String leftBehind() {
        return "the demo's embedded kube-sim stops with it; nothing outside it was touched";
    }

    /** Creates the seed objects and waits until v1 serves, as it would on a cluster before anyone deploys. */
    private void seed(KubernetesClient client) throws Exception {
        List<HasMetadata> objects;
        try (InputStream yaml = DemoCommand.class.getResourceAsStream("demo-seed.yaml")) {
            if (yaml == null) {
                throw new IllegalStateException("demo-seed.yaml is missing from the jar");
            }
            objects = client.load(yaml).items();
        }
        for (HasMetadata o : objects) {
            client.resource(o).inNamespace(NAMESPACE).create();
            out().printf("created %s %s%n", o.getKind(), o.getMetadata().getName());
        }
        Deployment v1 = client.apps()
                .deployments()
                .inNamespace(NAMESPACE)
                .withName("myapp-v1")
                .waitUntilCondition(
                        d -> d != null
                                && d.getStatus() != null
                                && Integer.valueOf(10).equals(d.getStatus().getReadyReplicas()),
                        STEP_TIMEOUT.toSeconds(),
                        TimeUnit.SECONDS);
        out().printf(
                        "myapp-v1: %d/%d ready%n",
                        v1.getStatus().getReadyReplicas(), v1.getSpec().getReplicas());
    }

    private String approver(boolean viaFlag) {
        String user = HolderIdentity.user(root.env());
        return viaFlag ? user + " (demo --yes)" : user;
    }

    private void section(String title) {
        out().println();
        out().printf("== %d. %s ==%n", ++step, title);
        out().flush();
    }

    private void finish(long startedNanos, String outcome) {
        Duration took = Duration.ofNanos(System.nanoTime() - startedNanos);
        out().println();
        out().printf("demo %s in %.1f s%n", outcome, took.toMillis() / 1000.0);
        out().flush();
    }
}
