package io.jenkins.plugins.bluegreen.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.ReleaseListener;
import io.jenkins.plugins.bluegreen.core.SharedWatches;

/**
 * Builds engines the way the Jenkins plugin does: one {@link BlueGreen} per step and namespace, all on one cluster
 * client and its shared watches.
 */
final class Engines implements AutoCloseable {
    private final KubernetesClient client;
    private final SharedWatches watches;

    Engines(KubernetesClient client) {
        this.client = client;
        this.watches = new SharedWatches(client);
    }

    BlueGreen engine(String namespace) {
        return engine(namespace, ReleaseListener.NONE);
    }

    BlueGreen engine(String namespace, ReleaseListener listener) {
        return BlueGreen.builder(client)
                .namespace(namespace)
                .listener(listener)
                .watches(watches)
                .build();
    }

    SharedWatches watches() {
        return watches;
    }

    @Override
    public void close() {
        watches.close();
    }
}
