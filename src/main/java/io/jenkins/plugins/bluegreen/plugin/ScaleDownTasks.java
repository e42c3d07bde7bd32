package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.ReleaseListener;
import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The old colours waiting to be scaled down after a switch whose build did not wait for it. A switch only records
 * {@code scale-down-at} on the old Deployment; these tasks carry it out when due, outside any build (the build has
 * usually finished by then), holding a connection but no thread while they wait. One per app: a newer deploy or
 * switch of the same app replaces it. Lost on a controller restart; the annotation stays, and the app's next
 * release handles it (its deploy rewrites that colour, schedule included).
 */
final class ScaleDownTasks implements AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(ScaleDownTasks.class.getName());

    /** Which app a task is for; the API server tells clusters apart. */
    record AppKey(String server, String namespace, String app) implements java.io.Serializable {}

    /** Each app's latest task, finished ones included (one small entry per app), so tests can await it. */
    private final Map<AppKey, CompletableFuture<ScaleDownResult>> latest = new ConcurrentHashMap<>();

    /**
     * Starts waiting for the app's scheduled scale-down with {@code engine}, replacing any pending task of the app;
     * {@code connection} (the engine's) is closed when the task ends, however it ends.
     */
    CompletableFuture<ScaleDownResult> start(
            AppKey key, ClusterClients.Connection connection, BlueGreen engine, CredentialMask secrets) {
        CompletableFuture<ScaleDownResult> task;
        try {
            task = engine.scaleDownWhenDue(key.app());
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
        cancelled(latest.put(key, task));
        task.whenComplete((result, failure) -> {
            connection.close();
            log(key, result, failure, secrets);
        });
        return task;
    }

    /** Drops the app's pending task, if any (a newer release of the app owns its colours now). */
    void cancel(AppKey key) {
        cancelled(latest.get(key));
    }

    /** The app's latest task, pending or finished (tests wait for it). */
    Optional<CompletableFuture<ScaleDownResult>> latest(String namespace, String app) {
        return latest.entrySet().stream()
                .filter(e -> e.getKey().namespace().equals(namespace)
                        && e.getKey().app().equals(app))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    @Override
    public void close() {
        latest.values().forEach(ScaleDownTasks::cancelled);
    }

    private static void cancelled(CompletableFuture<ScaleDownResult> task) {
        if (task != null && !task.isDone()) {
            task.cancel(false); // core checks before every timer step: a cancelled wait never scales later
        }
    }

    private static void log(AppKey key, ScaleDownResult result, Throwable failure, CredentialMask secrets) {
        String app = key.app() + " (namespace " + key.namespace() + ")";
        if (failure == null) {
            LOGGER.info(() -> "scale-down of " + app + ": " + result.outcome()
                    + (result.deployment() != null ? " " + result.deployment() : ""));
        } else if (StepFailures.unwrap(failure) instanceof CancellationException) {
            LOGGER.fine(() -> "scale-down of " + app + " cancelled by a newer release or a shutdown");
        } else {
            // no stack trace: foreign text could quote a credential; core's messages say what to check
            Throwable cause = StepFailures.unwrap(failure);
            LOGGER.warning(() -> secrets.redact(
                    "scale-down of " + app + " failed: " + cause.getClass().getSimpleName()
                            + ": " + cause.getMessage()
                            + "; the old colour keeps running until the app's next release or a manual scale-down"));
        }
    }

    /** Core's progress of a task nobody watches: to the controller's log, secrets masked. */
    static final class LogListener implements ReleaseListener {
        private final CredentialMask secrets;

        LogListener(CredentialMask secrets) {
            this.secrets = secrets;
        }

        @Override
        public void info(String message) {
            LOGGER.log(Level.INFO, () -> secrets.redact(message));
        }

        @Override
        public void warn(String message) {
            LOGGER.log(Level.WARNING, () -> secrets.redact(message));
        }
    }
}
