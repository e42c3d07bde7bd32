package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.util.concurrent.Executor;

/** What every operation needs, handed over explicitly instead of through statics. */
record EngineContext(KubernetesClient client, String namespace, BlueGreenSettings settings, ReleaseListener listener,
                     Executor executor, Clock clock, SharedWatches watches) {

    Cluster cluster() {
        return new Cluster(client, namespace);
    }
}
