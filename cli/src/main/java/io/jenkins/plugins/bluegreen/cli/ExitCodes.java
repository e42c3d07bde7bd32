package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.bluegreen.core.BlueGreenException;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import picocli.CommandLine.ParameterException;

/**
 * The CLI's exit codes (a fixed contract other tools depend on) and the single mapping from a failure to
 * one of them:
 * <ul>
 *   <li>{@value #OK}: done;</li>
 *   <li>{@value #FAILED}: the operation failed (unhealthy, timeout, conflict, lock held, cluster unreachable,
 *       uncertain outcome, or anything unexpected);</li>
 *   <li>{@value #INVALID_INPUT}: invalid input and nothing changed (usage errors, bad durations, unreadable
 *       kubeconfig, unknown context, and the engine's own input checks);</li>
 *   <li>{@value #ABORTED}: a person aborted.</li>
 * </ul>
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID_INPUT = 2;
    public static final int ABORTED = 3;

    private ExitCodes() {}

    static int of(Throwable t) {
        if (t instanceof UserInputException || t instanceof InvalidInputException
                || t instanceof ParameterException) {
            return INVALID_INPUT;
        }
        if (t instanceof AbortedException) {
            return ABORTED;
        }
        return FAILED;
    }

    /** Prints {@code error: <message>} to {@code err} and returns the exit code for {@code t}. */
    static int report(Throwable t, PrintWriter err) {
        err.println("error: " + message(t));
        if (of(t) == FAILED && isUnexpected(t)) {
            // A bug rather than a cluster's answer: the stack trace is what a maintainer needs.
            t.printStackTrace(err);
        }
        err.flush();
        return of(t);
    }

    static String message(Throwable t) {
        if (t instanceof KubernetesClientException && unreachable(t)) {
            return "cannot reach the Kubernetes API (" + rootMessage(t) + "); check --kubeconfig/--context "
                    + "and that the API server is running (for a local one: bluegreen sim)";
        }
        if (t instanceof InterruptedException) {
            return "interrupted";
        }
        String m = t.getMessage();
        return m == null || m.isBlank() ? t.getClass().getSimpleName() : m;
    }

    private static boolean isUnexpected(Throwable t) {
        return !(t instanceof BlueGreenException || t instanceof KubernetesClientException
                || t instanceof InterruptedException
                || t instanceof UserInputException || t instanceof AbortedException
                || t instanceof OperationFailedException);
    }

    private static boolean unreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ConnectException || c instanceof UnknownHostException
                    || c instanceof HttpTimeoutException || c instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }
}
