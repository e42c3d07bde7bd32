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
        switch (result.action()) {
            case ABANDONED -> out().printf("abandoned %s (scaled to zero); live traffic stays on %s%n",
                    result.other(), result.liveColor());
            case SWITCHED_BACK -> out().printf("rolled back: Service now selects %s (was %s)%n",
                    result.liveColor(), result.other());
            case SCALED_UP_AND_SWITCHED_BACK -> out().printf(
                    "rolled back: %s was scaled up, became healthy, and the Service now selects it (was %s)%n",
                    result.liveColor(), result.other());
        }
        return ExitCodes.OK;
    }
}
