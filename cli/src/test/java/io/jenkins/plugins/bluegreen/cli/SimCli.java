package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs CLI commands against a test class's kube-sim, through the kubeconfig the sim wrote, in one namespace. */
final class SimCli {

    private final Path kubeconfig;
    private final String namespace;

    SimCli(KubeSimExtension sim, Path dir, String namespace) {
        this.kubeconfig = dir.resolve("kube-sim.kubeconfig");
        sim.sim().writeKubeconfig(kubeconfig);
        this.namespace = namespace;
    }

    /** A fresh namespace on the class's kube-sim with the seed scenario ({@link Seed#seed}) of {@code replicas} in it. */
    static SimCli seeded(KubeSimExtension sim, Path dir, int replicas) {
        SimCli cli = new SimCli(sim, dir, sim.newNamespace());
        Seed.seed(sim.client(), cli.namespace(), replicas);
        return cli;
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    String namespace() {
        return namespace;
    }

    /** {@code bluegreen <args> --kubeconfig K -n NS}, with the holder pinned so lock tests are deterministic. */
    CliRun.Result run(String... args) {
        return runAs("cli:test@localhost", args);
    }

    CliRun.Result runAs(String holder, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--kubeconfig", kubeconfig.toString(), "-n", namespace));
        return CliRun.run(Map.of("BLUEGREEN_HOLDER", holder, "USER", "tester"), "", all.toArray(String[]::new));
    }
}
