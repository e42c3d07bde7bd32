package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.AbandonResult;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code bluegreen abandon}: throw the new colour away before its switch — the idle colour is scaled to zero, live
 * traffic is not touched. The one job {@code rollback} also does before a switch, said explicitly; it refuses when the
 * idle colour holds no new release (after a switch it is what a rollback goes back to).
 */
@Command(
        name = "abandon",
        description = {
            "Throw away a release that was deployed but not switched to: scale the idle colour to 0 and "
                    + "release the deploy lock. Live traffic is not touched.",
            "Refuses (exit 1) when the idle colour holds no new release, e.g. the colour kept for a rollback."
        })
final class AbandonCommand extends EngineCommand {

    @Mixin
    DryRunOption dryRunOption;

    @Override
    boolean dryRun() {
        return dryRunOption.dryRun;
    }

    @Override
    protected int run(BlueGreen engine) {
        AbandonResult result = engine.abandon(app, holder());
        out().printf("live colour: %s%n", result.liveColor());
        return ExitCodes.OK;
    }
}
