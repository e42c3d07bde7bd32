package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Where a command talks to: a fabric8 client configuration and the namespace the command works in.
 * Built by {@link ClusterOptions#resolve()}, which has already rejected bad input, so holding one means the
 * only failures left are the cluster's (exit code 1).
 */
record Cluster(Config config, String namespace) {

    /** A new client; the caller closes it (commands use try-with-resources). */
    KubernetesClient connect() {
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    String server() {
        return config.getMasterUrl();
    }
}
