package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.BlueGreenSettings;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * A subcommand that runs engine operations against the cluster the global options name. It resolves the
 * connection first (bad kubeconfig or context: exit 2 before any request), opens one client for the command's
 * lifetime and hands the subclass a ready {@link BlueGreen}; the subclass only maps options to a request and
 * prints the result.
 */
abstract class EngineCommand extends CliCommand {

    @Option(names = "--app", required = true, paramLabel = "APP", description = "the application (DNS-1123 name)")
    String app;

    @Override
    protected final int execute() throws Exception {
        // input that needs no cluster is refused first: reading the kubeconfig and building a client cost most of a
        // short command's second, and bad input gets its exit 2 without them
        BlueGreen.checkApp(app, BlueGreenSettings.defaults());
        root.cluster().checkExplicitNamespace();
        Cluster cluster = root.cluster().resolve(root.env(), root.host());
        cluster.secrets().forEach(root.secrets()::add);
        cluster.transportWarning().ifPresent(w -> {
            err().println("warning: " + w);
            err().flush();
        });
        try (KubernetesClient client = cluster.connect(root.host())) {
            ConsoleListener console = new ConsoleListener(out(), err());
            BlueGreen engine = BlueGreen.builder(client)
                    .namespace(cluster.namespace())
                    .listener(dryRun() ? DryRunReport.listener(console) : console)
                    .build();
            return dryRun() ? new DryRunReport(this).run(engine.dryRun()) : run(engine);
        }
    }

    protected abstract int run(BlueGreen engine) throws Exception;

    /** Whether this invocation is a dry run ({@code --dry-run} on the commands that write). */
    boolean dryRun() {
        return false;
    }

    @Override
    String interruptedNote() {
        return dryRun() ? "nothing was written (dry run)" : leftBehind();
    }

    /** Lock holder of this session (switch, rollback, abandon continue a deploy's parked lock); see {@link HolderIdentity}. */
    String holder() {
        return HolderIdentity.of(root.env());
    }

    Map<String, String> env() {
        return root.env();
    }
}
