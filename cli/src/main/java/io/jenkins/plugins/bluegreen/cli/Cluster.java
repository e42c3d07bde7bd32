package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * Where a command talks to: a fabric8 client configuration and the namespace the command works in.
 * Built by {@link ClusterOptions#resolve()}, which has already rejected bad input, so holding one means the
 * only failures left are the cluster's (exit code 1).
 *
 * @param secrets the credentials read with it (every user of the kubeconfig), to be masked in any output
 */
record Cluster(Config config, String namespace, Set<String> secrets) {

    Cluster {
        secrets = Set.copyOf(secrets);
    }

    /**
     * Why the connection is not safe for the credentials it carries, if it is not: TLS verification turned off
     * (the kubeconfig's {@code insecure-skip-tls-verify}, or fabric8's {@code KUBERNETES_TRUST_CERTIFICATES} /
     * {@code KUBERNETES_DISABLE_HOSTNAME_VERIFICATION}), or plain HTTP to another machine. Loopback HTTP (kube-sim,
     * {@code kubectl proxy}) is not worth a warning.
     */
    Optional<String> transportWarning() {
        String server = server();
        URI uri = server == null ? null : URI.create(server);
        if (uri == null || uri.getScheme() == null) {
            return Optional.empty();
        }
        if (uri.getScheme().equalsIgnoreCase("https")
                && (config.isTrustCerts() || config.isDisableHostnameVerification())) {
            return Optional.of("TLS verification is off for " + server + " (insecure-skip-tls-verify in the "
                    + "kubeconfig, or KUBERNETES_TRUST_CERTIFICATES/KUBERNETES_DISABLE_HOSTNAME_VERIFICATION): the API "
                    + "server's identity is not checked, so the credentials may go to an impostor — give the cluster "
                    + "its certificate-authority-data instead");
        }
        if (uri.getScheme().equalsIgnoreCase("http") && !isLoopback(uri.getHost())) {
            return Optional.of("the connection to " + server + " is plain HTTP: the credentials and every object "
                    + "travel unencrypted — use the API server's https:// address");
        }
        return Optional.empty();
    }

    private static boolean isLoopback(String host) {
        if (host == null || host.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            // a literal address only: no DNS lookup just to decide on a warning
            return host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")
                    && InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    /** A new client; the caller closes it (commands use try-with-resources). */
    KubernetesClient connect() {
        return connect(CommandHost.LOCAL);
    }

    /** A new client with what {@code host} adds to its HTTP client; the caller closes it. */
    KubernetesClient connect(CommandHost host) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientBuilderConsumer(host::configure)
                .build();
    }

    String server() {
        return config.getMasterUrl();
    }
}
