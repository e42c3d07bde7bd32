package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.HealthProgress;
import io.jenkins.plugins.bluegreen.core.Plan;
import io.jenkins.plugins.bluegreen.core.ReleaseListener;
import java.io.PrintWriter;
import java.io.Writer;

/**
 * Runs a command's own code on a dry-run engine and prints the plan instead of the command's report: the engine's
 * narration ("Service myapp now selects green") and the command's lines would describe writes that were not made.
 * Warnings still reach stderr. A refusal is thrown as in a real run, so the exit code is the real one.
 */
final class DryRunReport {
    private final EngineCommand command;

    DryRunReport(EngineCommand command) {
        this.command = command;
    }

    /** Keeps the engine's warnings (marked: they speak of writes as made), drops its narration and progress. */
    static ReleaseListener listener(ReleaseListener console) {
        return new ReleaseListener() {
            @Override
            public void info(String message) {}

            @Override
            public void progress(HealthProgress progress) {}

            @Override
            public void warn(String message) {
                console.warn("(dry run) " + message);
            }
        };
    }

    int run(BlueGreen dryRun) throws Exception {
        int exit;
        command.replaceOut(new PrintWriter(Writer.nullWriter()));
        try {
            exit = command.run(dryRun);
        } finally {
            command.replaceOut(null);
        }
        Plan plan = dryRun.plan();
        PrintWriter out = command.out();
        out.printf(
                "dry run of bluegreen %s --app %s: nothing was written; the API server accepted each write below "
                        + "(dryRun=All)%n",
                command.spec.name(), command.app);
        out.print(plan.render());
        out.flush();
        return exit;
    }
}
