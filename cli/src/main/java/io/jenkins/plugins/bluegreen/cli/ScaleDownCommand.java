package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import picocli.CommandLine.Command;

/**
 * {@code bluegreen scale-down}: carries out the old colour's scheduled scale-down once it is due. A switch or rollback
 * only schedules it (on the Deployment, {@code bluegreen.jenkins.io/scale-down-at}); without this command — or a
 * switch run with {@code --wait-scale-down}, or a pipeline step — nobody would, and the old colour would run for ever.
 */
@Command(
        name = "scale-down",
        description = {
            "Scale the old colour down if its scheduled scale-down is due (status shows the time, and "
                    + "flags one that is overdue). Never touches the colour that serves traffic.",
            "Safe to run at any time and from cron: before the due time, or with nothing scheduled, it changes "
                    + "nothing and exits 0."
        })
final class ScaleDownCommand extends EngineCommand {

    @Override
    protected int run(BlueGreen engine) {
        ScaleDownResult r = engine.scaleDownIfDue(app);
        // SCALED_DOWN and SKIPPED_LIVE the engine narrates itself
        switch (r.outcome()) {
            case NOTHING_SCHEDULED -> out().printf("no scale-down is scheduled for %s; nothing to do%n", app);
            case NOT_DUE ->
                out().printf(
                                "the scale-down of %s is due at %s, not yet; nothing done (run this again " + "then)%n",
                                r.deployment(), r.due());
            case SCALED_DOWN, SKIPPED_LIVE -> {}
        }
        return ExitCodes.OK;
    }

    @Override
    protected String leftBehind() {
        return "the scale-down may or may not have been written; `bluegreen status --app " + app + "` shows it, and "
                + "running `bluegreen scale-down --app " + app + "` again finishes it";
    }
}
