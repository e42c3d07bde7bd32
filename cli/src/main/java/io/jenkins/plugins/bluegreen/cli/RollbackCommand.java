package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.RollbackRequest;
import io.jenkins.plugins.bluegreen.core.RollbackResult;
import picocli.CommandLine.Command;

/** {@code bluegreen rollback}: undo the last release, or abandon one that never went live. */
@Command(name = "rollback",
        description = {"Undo the last release: point the Service back at the previous colour (instantly while it "
                + "runs; otherwise it is scaled up and awaited first).",
                "Before a switch, abandons the idle colour instead and leaves live traffic untouched."})
final class RollbackCommand extends EngineCommand {

    @Override
    protected int run(BlueGreen engine) {
        RollbackResult result = engine.rollback(RollbackRequest.builder(app).holder(holder()).build());
        // the engine narrated the switch back or the abandon
        if (result.action() != RollbackResult.Action.ABANDONED) {
            // the engine schedules the rolled-away colour's scale-down; unlike switch, rollback is the urgent command
            // and returns at once, so it must not look as if this process will carry the schedule out
            out().printf("%s keeps running for now: its scale-down is scheduled (see status), but rollback does not "
                    + "wait for it%n", engine.settings().deploymentName(app, result.other()));
        }
        // the one fact a script wants, last
        out().printf("live colour: %s%n", result.liveColor());
        return ExitCodes.OK;
    }
}
