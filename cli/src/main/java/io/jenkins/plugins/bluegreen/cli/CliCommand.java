package io.jenkins.plugins.bluegreen.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Base of every subcommand: gives it the shared options, the streams picocli was configured with, and turns
 * whatever it throws into {@code error: <message>} plus the contract's exit code. The catch lives here (and
 * not only in a handler installed on one {@code CommandLine}) so that any way of running the command — the
 * launcher, a test, another tool embedding it — gets the same exit codes.
 */
abstract class CliCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @ParentCommand
    BlueGreenCli root;

    @Override
    public final Integer call() {
        CommandHost.Registration onCtrlC = root.host().onInterrupt(() -> {
            onInterrupt();
            String left = interruptedNote();
            if (left != null) {
                err().println();
                err().println(root.secrets().redact("interrupted: " + left));
                err().flush();
            }
        });
        try {
            return execute();
        } catch (RunInProcess e) {
            // not a failure: the helper hands the command back to the user's own process, before any output
            throw e;
        } catch (Exception e) {
            if (e instanceof InterruptedException || Thread.currentThread().isInterrupted() || interruption(e)) {
                // in-process (tests, embedding tools) an interrupt is the Ctrl-C
                Thread.currentThread().interrupt();
                onInterrupt();
                String left = interruptedNote();
                err().println(root.secrets().redact("interrupted: " + (left == null ? "stopped" : left)));
                err().flush();
                return ExitCodes.INTERRUPTED;
            }
            return ExitCodes.report(e, spec, err(), root.secrets());
        } finally {
            onCtrlC.close();
        }
    }

    private static boolean interruption(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Called on Ctrl-C (from the shutdown hook) or an in-process interrupt, before {@link #leftBehind()}: the moment to
     * end what the command started in the cluster and must not leave running. Must return within a few seconds.
     */
    protected void onInterrupt() {}

    /** Does the work; returns an exit code from {@link ExitCodes}, or throws and lets the mapping decide. */
    protected abstract int execute() throws Exception;

    /**
     * What an interruption (Ctrl-C, exit 130) leaves in the cluster and how to go on, printed after
     * {@code interrupted: }; null prints nothing (a command whose normal end is Ctrl-C).
     */
    protected String leftBehind() {
        return "nothing was written";
    }

    /** What {@code interrupted: } says; {@link #leftBehind()} unless a mode of the command knows better. */
    String interruptedNote() {
        return leftBehind();
    }

    /** Set while a dry run's command code runs: its usual report would describe writes that were not made. */
    private volatile PrintWriter replacedOut;

    void replaceOut(PrintWriter out) {
        this.replacedOut = out;
    }

    PrintWriter out() {
        PrintWriter replaced = replacedOut;
        return replaced != null ? replaced : spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
