package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.jenkins.plugins.bluegreen.core.BlueGreenException;
import io.jenkins.plugins.bluegreen.core.ClusterUnreachableException;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import io.jenkins.plugins.bluegreen.core.LockHeldException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
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

    private ExitCodes() {}

    static int of(Throwable t) {
        if (t instanceof UserInputException || t instanceof InvalidInputException || t instanceof ParameterException) {
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

    /**
     * Prints {@code error: <message>} to {@code err}, credentials masked, and returns the exit code for {@code t};
     * {@code command} is the one that ran, whose options name the engine's fields.
     */
    static int report(Throwable t, CommandSpec command, PrintWriter err, CredentialMask secrets) {
        err.println(secrets.redact("error: " + message(t, command)));
        if (of(t) == FAILED && isUnexpected(t)) {
            // A bug rather than a cluster's answer: the stack trace is what a maintainer needs.
            StringWriter trace = new StringWriter();
            t.printStackTrace(new PrintWriter(trace));
            err.print(secrets.redact(trace.toString()));
        }
        err.flush();
        return of(t);
    }

    static String message(Throwable t, CommandSpec command) {
        Optional<String> unreachable =
                t instanceof KubernetesClientException ? ClusterUnreachableException.reason(t) : Optional.empty();
        if (unreachable.isPresent()) {
            return "cannot reach the Kubernetes API (" + unreachable.get() + "); check --kubeconfig/--context "
                    + "and that the API server is running (for a local one: bluegreen sim)";
        }
        if (t instanceof InterruptedException) {
            return "interrupted";
        }
        if (t instanceof InvalidInputException e) {
            Optional<String> typed = optionFor(command, e.field());
            if (typed.isPresent()) {
                return typed.get() + ": " + e.problem() + " — " + e.fix() + " (nothing was changed)";
            }
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

    /**
     * What a person typed for the engine's request field {@code field} in {@code command}: the option whose long name
     * is the field in kebab case ({@code previewService} is {@code --preview-service}, with every alias:
     * {@code -n/--namespace}), read from picocli's model so a new option needs no entry anywhere; for the holder, the
     * environment variable. Empty for a field no option sets ({@code service.selector}): the engine's words stay.
     */
    static Optional<String> optionFor(CommandSpec command, String field) {
        if (command == null || field == null) {
            return Optional.empty();
        }
        if (field.equals("holder")) {
            return Optional.of(HolderIdentity.ENV); // unlock's --holder names the lock's holder, not this one
        }
        return command.options().stream()
                .filter(o -> fieldOf(o).equals(field))
                .findFirst()
                .map(o -> String.join("/", o.names()));
    }

    /** The request field an option sets: its long name in camel case ({@code --scale-down-delay}: scaleDownDelay). */
    static String fieldOf(OptionSpec option) {
        String[] words = option.longestName().replaceFirst("^-+", "").split("-");
        StringBuilder field = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            field.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return field.toString();
    }

    private static boolean isUnexpected(Throwable t) {
        return !(t instanceof BlueGreenException
                || t instanceof KubernetesClientException
                || t instanceof InterruptedException
                || t instanceof UserInputException
                || t instanceof AbortedException
                || t instanceof OperationFailedException);
    }
}
