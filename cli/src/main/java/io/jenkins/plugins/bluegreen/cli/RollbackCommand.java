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
        // the engine narrated the switch back or the abandon; end with the one fact a script wants
        out().printf("live colour: %s%n", result.liveColor());
        return ExitCodes.OK;
    }
}
