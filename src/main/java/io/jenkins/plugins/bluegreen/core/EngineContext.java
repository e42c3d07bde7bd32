package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What every operation needs, handed over explicitly instead of through statics.
 *
 * @param client the caller's client, for watches and informers (fabric8 reconnects them)
 * @param retry  the engine's requests: the same client with fabric8's retries off, retried by {@link ApiRetry}
 */
record EngineContext(KubernetesClient client, String namespace, BlueGreenSettings settings, ReleaseListener listener,
                     Executor executor, Clock clock, SharedWatches watches, ApiRetry retry) {

    Cluster cluster() {
        return new Cluster(retry, namespace);
    }
}
