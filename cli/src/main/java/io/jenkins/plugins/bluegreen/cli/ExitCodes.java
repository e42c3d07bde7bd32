package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.bluegreen.core.BlueGreenException;
import io.jenkins.plugins.bluegreen.core.ClusterUnreachableException;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import io.jenkins.plugins.bluegreen.core.LockHeldException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
import java.util.Optional;
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
 *   <li>{@value #ABORTED}: a person aborted;</li>
 *   <li>{@value #INTERRUPTED}: interrupted (Ctrl-C), after saying what the command left behind — the shell's own
 *       code for SIGINT (128 + 2), which the JVM also exits with.</li>
 * </ul>
 */
public final class ExitCodes {

    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int INVALID_INPUT = 2;
    public static final int ABORTED = 3;
    public static final int INTERRUPTED = 130;

    /**
     * The engine names request fields ({@code previewService}); a person at a terminal typed options
     * ({@code --preview-service}). Fields without an option of their own ({@code service.selector}) stay as they are.
     */
    private static final Map<String, String> OPTION_OF_FIELD = Map.ofEntries(
            Map.entry("app", "--app"),
            Map.entry("image", "--image"),
            Map.entry("manifest", "--manifest"),
            Map.entry("replicas", "--replicas"),
            Map.entry("service", "--service"),
            Map.entry("previewService", "--preview-service"),
            Map.entry("timeout", "--timeout"),
            Map.entry("to", "--to"),
            Map.entry("color", "--color"),
            Map.entry("scaleDownDelay", "--scale-down-delay"),
            Map.entry("lockWait", "--lock-wait"),
            Map.entry("approvedBy", "--approved-by"),
            Map.entry("namespace", "-n/--namespace"),
            Map.entry("holder", HolderIdentity.ENV));

    private ExitCodes() {}

    static int of(Throwable t) {
        if (t instanceof UserInputException || t instanceof InvalidInputException
                || t instanceof ParameterException) {
            return INVALID_INPUT;
        }
        if (t instanceof AbortedException) {
            return ABORTED;
        }
        if (t instanceof InterruptedException) {
            return INTERRUPTED;
        }
        return FAILED;
    }

    /** Prints {@code error: <message>} to {@code err}, credentials masked, and returns the exit code for {@code t}. */
    static int report(Throwable t, PrintWriter err, CredentialMask secrets) {
        err.println(secrets.redact("error: " + message(t)));
        if (of(t) == FAILED && isUnexpected(t)) {
            // A bug rather than a cluster's answer: the stack trace is what a maintainer needs.
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            err.print(secrets.redact(trace.toString()));
        }
        err.flush();
        return of(t);
    }

    static String message(Throwable t) {
        Optional<String> unreachable = t instanceof KubernetesClientException
                ? ClusterUnreachableException.reason(t) : Optional.empty();
        if (unreachable.isPresent()) {
            return "cannot reach the Kubernetes API (" + unreachable.get() + "); check --kubeconfig/--context "
                    + "and that the API server is running (for a local one: bluegreen sim)";
        }
        if (t instanceof InterruptedException) {
            return "interrupted";
        }
        if (t instanceof InvalidInputException e && OPTION_OF_FIELD.containsKey(e.field())) {
            return OPTION_OF_FIELD.get(e.field()) + ": " + e.problem() + " — " + e.fix() + " (nothing was changed)";
        }
        if (t instanceof LockHeldException e) {
            String app = e.lock().app();
            return e.getMessage() + " (bluegreen: --lock-wait DURATION waits for it; if its holder is dead, "
                    + "'bluegreen unlock --app " + app + " --holder " + e.holder() + "' clears the lock without "
                    + "touching traffic, then 'bluegreen abandon --app " + app + "' throws away a release it left; "
                    + "'bluegreen rollback --app " + app + " --take-over-lock' takes the lock and rolls back)";
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
}
