package io.jenkins.plugins.bluegreen.cli;

import picocli.CommandLine.Option;

/**
 * {@code --dry-run}, mixed into the commands that write (deploy, switch, rollback, abandon): the command reads the real
 * state and decides as always, the API server validates each write ({@code dryRun=All}), nothing is stored, and the
 * plan is printed instead of the command's usual report. Same exit codes as the real command.
 */
final class DryRunOption {

    @Option(
            names = "--dry-run",
            description = "print what the command would write (each object, the change, the guard) and what would "
                    + "follow; the API server validates every write (dryRun=All) and nothing is changed")
    boolean dryRun;
}
