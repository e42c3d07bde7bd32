package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.concurrent.Executor;

/**
 * What every operation needs, handed over explicitly instead of through statics.
 *
 * @param client the caller's client, for watches and informers (fabric8 reconnects them)
 * @param retry  the engine's requests: the same client with fabric8's retries off, retried by {@link ApiRetry}
 * @param plan   non-null in dry-run mode: every write goes out with {@code dryRun=All} and is recorded there, and a
 *               wait that only a real write could end is recorded as a step to follow instead
 */
record EngineContext(
        KubernetesClient client,
        String namespace,
        BlueGreenSettings settings,
        ReleaseListener listener,
        Executor executor,
        Clock clock,
        SharedWatches watches,
        ApiRetry retry,
        PlanRecorder plan) {

    EngineContext(
            KubernetesClient client,
            String namespace,
            BlueGreenSettings settings,
            ReleaseListener listener,
            Executor executor,
            Clock clock,
            SharedWatches watches,
            ApiRetry retry) {
        this(client, namespace, settings, listener, executor, clock, watches, retry, null);
    }

    Cluster cluster() {
        return new Cluster(retry, namespace, plan);
    }

    boolean dryRun() {
        return plan != null;
    }

    /** In dry-run mode, records a step that would follow the writes (and returns true): the caller does not wait. */
    boolean planThen(String step) {
        if (plan == null) {
            return false;
        }
        plan.then(step);
        return true;
    }

    /** The same engine in dry-run mode, recording into a fresh plan. */
    EngineContext dryRunning() {
        return new EngineContext(
                client, namespace, settings, listener, executor, clock, watches, retry, new PlanRecorder());
    }
}
