package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bluegreen sim}: kube-sim in the foreground, for trying the CLI (and kubectl) without a cluster. Prints one
 * line starting with {@code ready} once it serves — scripts and tests wait for that line — and runs until SIGINT or
 * SIGTERM (or, in-process, until its thread is interrupted), then stops the server cleanly.
 */
@Command(
        name = "sim",
        description = {
            "Run kube-sim, an embedded Kubernetes API with simulated controllers, until stopped "
                    + "(Ctrl-C). Writes a kubeconfig for it and prints a line starting with 'ready' once it serves; "
                    + "the line ends with whether RBAC is enforced.",
            "Without --rbac any token is accepted and the kubeconfig's user may do anything.",
            "The global --kubeconfig/--context/-n options do not apply."
        })
final class SimCommand extends CliCommand {

    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "0",
            description = "port on 127.0.0.1 (default: a free one)")
    int port;

    @Option(
            names = "--kubeconfig-out",
            paramLabel = "PATH",
            description = "where to write the kubeconfig (default: bluegreen-sim-<port>.kubeconfig in the temp dir)")
    Path kubeconfigOut;

    @Option(
            names = "--ready-delay",
            paramLabel = "DURATION",
            defaultValue = "300ms",
            converter = Durations.NonNegative.class,
            description = "how long a pod takes from creation to Ready (default: ${DEFAULT-VALUE})")
    Duration readyDelay;

    @Option(
            names = "--rbac",
            description = "enforce RBAC as a real cluster does: the kubeconfig's user is the ServiceAccount "
                    + RbacSetup.NAMESPACE + "/" + RbacSetup.ACCOUNT + ", bound in namespace default to the Role and "
                    + "ClusterRole of docs/rbac.yaml (exactly what blue-green-deploy needs, nothing more)")
    boolean rbac;

    /** Ctrl-C is how the simulator is meant to end: nothing to report. */
    @Override
    protected String leftBehind() {
        return null;
    }

    @Override
    protected int execute() throws Exception {
        if (port < 0 || port > 65535) {
            throw new UserInputException("--port " + port + " is not a TCP port; use 1-65535, or 0 for a free one");
        }
        KubeSim sim = start();
        Path kubeconfig = kubeconfigOut != null
                ? kubeconfigOut
                : Path.of(System.getProperty("java.io.tmpdir"), "bluegreen-sim-" + sim.port() + ".kubeconfig");
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean once = new AtomicBoolean();
        Runnable stop = () -> {
            if (once.compareAndSet(false, true)) {
                sim.close();
                out().println("kube-sim stopped");
                out().flush();
                stopped.countDown();
            }
        };
        // SIGINT/SIGTERM run shutdown hooks and then end the JVM, so the hook itself must do the whole stop.
        Thread hook = new Thread(stop, "kube-sim-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean interrupted = false;
        try {
            String access;
            if (rbac) {
                sim.writeKubeconfig(kubeconfig, RbacSetup.bindDocumentedRole(sim));
                access = "RBAC enforced for " + RbacSetup.USER + " (docs/rbac.yaml in namespace default)";
            } else {
                sim.writeKubeconfig(kubeconfig);
                access = "RBAC off (any token may do anything; --rbac enforces it)";
            }
            out().printf("ready: kube-sim at %s, kubeconfig %s, %s%n", sim.url(), kubeconfig.toAbsolutePath(), access);
            out().printf(
                            "  try: export KUBECONFIG=%s; kubectl get %s   (Ctrl-C stops kube-sim)%n",
                            kubeconfig.toAbsolutePath(), rbac ? "deployments" : "all");
            out().flush();
            stopped.await();
        } catch (InterruptedException e) {
            // in-process (tests, embedding tools): interrupting the thread is how one says "stop"
            interrupted = true;
        } finally {
            stop.run(); // before restoring the interrupt flag, so closing the server can still wait for it
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already stopping; the hook is running or ran
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return ExitCodes.OK;
    }

    private KubeSim start() {
        try {
            return KubeSim.builder()
                    .port(port)
                    .readyDelay(readyDelay)
                    .rbac(rbac)
                    .build()
                    .start();
        } catch (RuntimeException e) {
            throw new OperationFailedException(
                    "cannot start kube-sim on port " + port + " (" + e.getMessage()
                            + "); pick another --port, or 0 for a free one",
                    e);
        }
    }
}
