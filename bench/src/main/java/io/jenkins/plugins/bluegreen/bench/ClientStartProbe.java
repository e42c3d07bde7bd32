package io.jenkins.plugins.bluegreen.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a fresh JVM by {@link ClientStartBench}: the cost of the first cluster client a JVM builds (class loading,
 * kubeconfig parsing, set-up of OkHttp, the HTTP client Jenkins bundles) and of its first request, as a Jenkins
 * controller pays it for the first step after a restart. Prints {@code <build ms> <first request ms>}.
 */
public final class ClientStartProbe {
    private ClientStartProbe() {}

    public static void main(String[] args) throws Exception {
        String kubeconfig = Files.readString(Path.of(args[0]));
        long start = System.nanoTime();
        Config config = Config.fromKubeconfig(kubeconfig);
        KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(new OkHttpClientFactory())
                .build();
        long built = System.nanoTime();
        client.services().inNamespace("default").withName("kubernetes").get();
        long answered = System.nanoTime();
        client.close();
        System.out.println((built - start) / 1e6 + " " + (answered - built) / 1e6);
    }
}
