package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/**
 * Not a command: the workload bin/bluegreen runs once per jar under {@code -XX:DumpLoadedClassList}; the classes it
 * lists become the class-data-sharing archive that lets every later command start without parsing and verifying them
 * again.
 * It runs, in-process against a private kube-sim, what users run most — help, an input error, a release and
 * status/switch/rollback — so the archive holds picocli, fabric8, Jackson and the engine as those commands load
 * them. Every subcommand's help is printed too, so commands added later are covered without editing this list.
 */
final class ClassDataTraining {

    private static final String APP = "cds-training";

    private ClassDataTraining() {}

    public static void main(String[] args) throws Exception {
        // a command that failed still loaded its classes; say so, for whoever builds the archive, and go on
        train().forEach(f -> System.err.println("bluegreen cds training: " + f));
    }

    /** Runs the workload; returns what did not go as expected (also what the warm helper warms up with). */
    static List<String> train() throws Exception {
        Path dir = Files.createTempDirectory("bluegreen-cds-");
        Path kubeconfig = dir.resolve("kubeconfig");
        List<String> failures = new ArrayList<>();
        try (KubeSim sim =
                KubeSim.builder().readyDelay(Duration.ofMillis(10)).build().start()) {
            sim.writeKubeconfig(kubeconfig);
            try (KubernetesClient client = sim.newClient("default")) {
                seed(client);
            } catch (RuntimeException e) {
                // e.g. a create retried by the client on a loaded machine; the commands below still run
                failures.add("seeding kube-sim: " + e.getMessage());
            }
            String kc = kubeconfig.toString();
            run(failures, 0, "--help");
            run(failures, 0, "--version");
            for (String sub : cli().getSubcommands().keySet()) {
                run(failures, 0, sub, "--help");
            }
            run(failures, 2, "status", "--app", "Not_A_Name", "--kubeconfig", kc);
            run(failures, 2, "nosuchcommand");
            run(failures, 0, "deploy", "--app", APP, "--image", "example.org/app:2", "--kubeconfig", kc);
            run(failures, 0, "status", "--app", APP, "--kubeconfig", kc);
            run(failures, 0, "status", "--app", APP, "-o", "json", "--kubeconfig", kc);
            run(
                    failures,
                    0,
                    "switch",
                    "--app",
                    APP,
                    "--approved-by",
                    "cds-training",
                    "--scale-down-delay",
                    "0",
                    "--kubeconfig",
                    kc);
            run(failures, 0, "rollback", "--app", APP, "--kubeconfig", kc);
            run(failures, 0, "status", "--app", APP, "--kubeconfig", kc);
        } finally {
            Files.deleteIfExists(kubeconfig);
            Files.deleteIfExists(dir);
        }
        return failures;
    }

    private static CommandLine cli() {
        return BlueGreenCli.commandLine(new BlueGreenCli(Map.of(), InputStream.nullInputStream()));
    }

    private static void run(List<String> failures, int expected, String... args) {
        CommandLine cl = BlueGreenCli.commandLine(
                new BlueGreenCli(Map.of("BLUEGREEN_HOLDER", "cds-training"), InputStream.nullInputStream()));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        if (code != expected) {
            failures.add(String.join(" ", args) + ": exit " + code + " (expected " + expected + "): " + err);
        }
    }

    private static void seed(KubernetesClient client) {
        Map<String, String> labels = Map.of("app", APP);
        client.services()
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName(APP)
                        .endMetadata()
                        .withNewSpec()
                        .withSelector(labels)
                        .addNewPort()
                        .withPort(80)
                        .withNewTargetPort(8080)
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        client.apps()
                .deployments()
                .resource(new DeploymentBuilder()
                        .withNewMetadata()
                        .withName(APP)
                        .withLabels(labels)
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .withNewSelector()
                        .withMatchLabels(labels)
                        .endSelector()
                        .withNewTemplate()
                        .withNewMetadata()
                        .withLabels(labels)
                        .endMetadata()
                        .withNewSpec()
                        .addNewContainer()
                        .withName("app")
                        .withImage("example.org/app:1")
                        .endContainer()
                        .endSpec()
                        .endTemplate()
                        .endSpec()
                        .build())
                .create();
        client.apps()
                .deployments()
                .withName(APP)
                .waitUntilCondition(
                        d -> d != null
                                && d.getStatus() != null
                                && Integer.valueOf(1).equals(d.getStatus().getReadyReplicas()),
                        30,
                        TimeUnit.SECONDS);
    }
}
