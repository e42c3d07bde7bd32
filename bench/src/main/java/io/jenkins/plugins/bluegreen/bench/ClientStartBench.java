package io.jenkins.plugins.bluegreen.bench;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Item 5: what obtaining a cluster client costs a step. Cold: the first client in a fresh JVM (measured in a child
 * JVM running {@link ClientStartProbe}, JVM start-up itself excluded). Warm: a new client in a JVM that has built
 * clients before. Cached: a step going through core's {@link ClusterClients}, which re-reads the configuration but
 * reuses the client and its open connection. All include the first request, since a client is only useful once it
 * has connected.
 */
final class ClientStartBench {
    /** Milliseconds to build a client and to answer its first request. */
    record Result(
            Samples coldBuild,
            Samples coldFirstRequest,
            Samples warmBuild,
            Samples warmFirstRequest,
            Samples cachedConnect,
            Samples cachedFirstRequest) {}

    private final Path kubeconfig;

    ClientStartBench(Path kubeconfig) {
        this.kubeconfig = kubeconfig;
    }

    Result run(int coldRuns, int warmRuns) {
        Result result =
                new Result(new Samples(), new Samples(), new Samples(), new Samples(), new Samples(), new Samples());
        for (int i = 0; i < coldRuns; i++) {
            double[] cold = coldStart();
            result.coldBuild().add(cold[0]);
            result.coldFirstRequest().add(cold[1]);
        }
        for (int i = 0; i < warmRuns + 5; i++) {
            double[] warm = warmStart();
            if (i >= 5) {
                result.warmBuild().add(warm[0]);
                result.warmFirstRequest().add(warm[1]);
            }
        }
        try (ClusterClients clients = new ClusterClients(
                ClientStartBench::okHttpClient, ClusterClients.DEFAULT_IDLE_TIMEOUT, Clock.systemUTC())) {
            for (int i = 0; i < warmRuns + 5; i++) {
                double[] cached = cachedStart(clients);
                if (i >= 5) {
                    result.cachedConnect().add(cached[0]);
                    result.cachedFirstRequest().add(cached[1]);
                }
            }
        }
        return result;
    }

    /** What a step pays with the plugin's {@link ClusterClients}: the config is read each time, the client reused. */
    private double[] cachedStart(ClusterClients clients) {
        try {
            String text = Files.readString(kubeconfig);
            long start = System.nanoTime();
            try (ClusterClients.Connection connection = clients.connect(Config.fromKubeconfig(text))) {
                long connected = System.nanoTime();
                connection
                        .client()
                        .services()
                        .inNamespace("default")
                        .withName("kubernetes")
                        .get();
                long answered = System.nanoTime();
                return new double[] {(connected - start) / 1e6, (answered - connected) / 1e6};
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KubernetesClient okHttpClient(Config config) {
        return new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientFactory(new OkHttpClientFactory())
                .build();
    }

    private double[] warmStart() {
        try {
            String text = Files.readString(kubeconfig);
            long start = System.nanoTime();
            Config config = Config.fromKubeconfig(text);
            KubernetesClient client = okHttpClient(config);
            long built = System.nanoTime();
            client.services().inNamespace("default").withName("kubernetes").get();
            long answered = System.nanoTime();
            client.close();
            return new double[] {(built - start) / 1e6, (answered - built) / 1e6};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private double[] coldStart() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                ClientStartProbe.class.getName(),
                kubeconfig.toString());
        try {
            Process process = new ProcessBuilder(command)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("client start probe failed: " + out);
            }
            String[] parts = out.lines().reduce((a, b) -> b).orElse("").split(" ");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
