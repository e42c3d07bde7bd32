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
        try {
            return execute();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ExitCodes.report(e, err(), root.secrets());
        } catch (Exception e) {
            return ExitCodes.report(e, err(), root.secrets());
        }
    }

    /** Does the work; returns an exit code from {@link ExitCodes}, or throws and lets the mapping decide. */
    protected abstract int execute() throws Exception;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
