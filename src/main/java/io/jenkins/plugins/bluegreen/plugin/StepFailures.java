package io.jenkins.plugins.bluegreen.plugin;

import hudson.AbortException;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.bluegreen.core.BlueGreenException;
import io.jenkins.plugins.bluegreen.core.ClusterUnreachableException;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import io.jenkins.plugins.bluegreen.core.LockHeldException;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Turns what a step's work threw into what the build shows. Expected failures (bad input, unhealthy, timeout, lock
 * held, refused, unreachable) become an {@link AbortException}: Jenkins prints its message without a stack trace,
 * and the message already says what happened and what to do. Interruptions (abort, timeout step) pass unchanged
 * so the build shows ABORTED. Anything else is a bug: it keeps its stack trace but loses its cause chain and has
 * its message masked, because foreign text may quote a credential.
 */
final class StepFailures {

    private StepFailures() {}

    static Throwable toStepFailure(String function, Throwable thrown, CredentialMask secrets) {
        Throwable t = unwrap(thrown);
        if (t instanceof InterruptedException || t instanceof AbortException) {
            return t;
        }
        if (t instanceof InvalidInputException e) {
            return abort(
                    function + ": " + e.field() + ": " + e.problem() + " — " + e.fix() + " (nothing was changed)",
                    secrets);
        }
        if (t instanceof LockHeldException e) {
            return abort(
                    function + ": " + e.getMessage() + " (lockWait: '5m' waits for it; if its holder is dead, "
                            + "'bluegreen unlock --app " + e.lock().app() + " --holder " + e.holder()
                            + "' clears it without "
                            + "touching traffic; rollback with takeOverLock: true takes it)",
                    secrets);
        }
        if (t instanceof BlueGreenException) {
            return abort(function + ": " + t.getMessage(), secrets);
        }
        if (t instanceof KubernetesClientException) {
            Optional<String> unreachable = ClusterUnreachableException.reason(t);
            if (unreachable.isPresent()) {
                return abort(
                        function + ": cannot reach the Kubernetes API (" + unreachable.get() + "); check "
                                + "serverUrl or the kubeconfig credential, and that the controller can reach the API server",
                        secrets);
            }
            return abort(function + ": the Kubernetes API refused a request: " + t.getMessage(), secrets);
        }
        if (t instanceof CancellationException) {
            return abort(function + ": cancelled", secrets);
        }
        IOException masked = new IOException(function + ": unexpected "
                + t.getClass().getName() + ": " + secrets.redact(String.valueOf(t.getMessage())));
        masked.setStackTrace(t.getStackTrace());
        return masked;
    }

    static Throwable unwrap(Throwable t) {
        Throwable c = t;
        while ((c instanceof CompletionException || c instanceof ExecutionException) && c.getCause() != null) {
            c = c.getCause();
        }
        return c;
    }

    private static AbortException abort(String message, CredentialMask secrets) {
        return new AbortException(secrets.redact(message));
    }
}
