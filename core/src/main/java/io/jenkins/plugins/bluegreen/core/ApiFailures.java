package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.util.concurrent.TimeoutException;

/** Turns fabric8's exceptions into the typed failures of core, each saying what to do. */
final class ApiFailures {
    private ApiFailures() { }

    /** No HTTP answer at all: refused, reset, timed out, unknown host. The request may or may not have arrived. */
    static boolean isUnreachable(Throwable failure) {
        if (failure instanceof KubernetesClientException kce && kce.getCode() > 0) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof InterruptedIOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static boolean isConflict(Throwable failure) {
        return failure instanceof KubernetesClientException kce && kce.getCode() == HttpURLConnection.HTTP_CONFLICT;
    }

    static boolean isForbidden(Throwable failure) {
        return failure instanceof KubernetesClientException kce
                && (kce.getCode() == HttpURLConnection.HTTP_FORBIDDEN || kce.getCode() == HttpURLConnection.HTTP_UNAUTHORIZED);
    }

    /** @param doing what was being attempted, e.g. "reading Service myapp in namespace shop" */
    static BlueGreenException translate(Throwable failure, String doing) {
        if (failure instanceof BlueGreenException typed) {
            return typed;
        }
        if (isUnreachable(failure)) {
            return new ClusterUnreachableException("cannot reach the Kubernetes API while " + doing + ": "
                    + rootMessage(failure) + " — check the server URL, kubeconfig/context and network, then retry",
                    failure);
        }
        if (isForbidden(failure)) {
            return new BlueGreenException("the Kubernetes API refused " + doing + " (HTTP "
                    + ((KubernetesClientException) failure).getCode() + "): " + rootMessage(failure)
                    + " — grant the account the namespaced verbs listed under 'RBAC' in docs/architecture.md", failure);
        }
        if (failure instanceof WatcherException) {
            return new ClusterUnreachableException("the watch broke while " + doing + ": " + rootMessage(failure)
                    + " — check the connection to the Kubernetes API and retry", failure);
        }
        return new BlueGreenException("failed " + doing + ": " + rootMessage(failure), failure);
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root == failure ? failure.getMessage()
                : failure.getMessage() + " (" + root.getClass().getSimpleName() + ": " + root.getMessage() + ")";
        return message == null ? failure.getClass().getSimpleName() : message;
    }
}
