package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.RollbackRequest;
import io.jenkins.plugins.bluegreen.core.RollbackResult;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bluegreen rollback}: undo the last release, or abandon one that never went live.
 *
 * <p>Like every command it fails, naming the holder, when someone else holds the deploy lock; taking the lock over is
 * explicit ({@code --take-over-lock}). Rollback is the emergency exit, but a default take-over would turn the common
 * script {@code bluegreen deploy ... || bluegreen rollback ...} into "a deploy refused because another pipeline holds
 * the lock abandons that pipeline's release". The refusal says which flag to add.
 */
@Command(
        name = "rollback",
        description = {
            "Undo the last release: point the Service back at the previous colour (instantly while it "
                    + "runs; otherwise it is scaled up and awaited first).",
            "Before a switch, abandons the idle colour instead and leaves live traffic untouched.",
            "When another holder has the deploy lock it fails naming them; --take-over-lock takes it (with a "
                    + "warning naming them), e.g. from a pipeline that died."
        })
final class RollbackCommand extends EngineCommand {

    @Mixin
    DryRunOption dryRunOption;

    @Override
    boolean dryRun() {
        return dryRunOption.dryRun;
    }

    @Option(
            names = "--take-over-lock",
            description = "take the deploy lock from whoever holds it instead of failing; their release in flight "
                    + "loses it (the warning names them)")
    boolean takeOverLock;

    @Mixin
    LockOptions lock;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = Durations.Positive.class,
            description = "how long a previous colour that has to be scaled back up may take to become healthy "
                    + "(default: ${DEFAULT-VALUE}); an instant rollback does not wait")
    Duration timeout;

    @Override
    protected int run(BlueGreen engine) {
        RollbackResult result = engine.rollback(RollbackRequest.builder(app)
                .holder(holder())
                .takeOverLock(takeOverLock)
                .lockWait(lock.lockWait)
                .timeout(timeout)
                .build());
        // the engine narrated the switch back or the abandon
        if (result.action() != RollbackResult.Action.ABANDONED) {
            // the engine schedules the rolled-away colour's scale-down; unlike switch, rollback is the urgent command
            // and returns at once, so it must not look as if this process will carry the schedule out
            out().printf(
                            "%s keeps running for now: its scale-down is scheduled on its Deployment (see status); "
                                    + "rollback does not wait for it, 'bluegreen scale-down --app %s' carries it out once due%n",
                            engine.settings().deploymentName(app, result.other()), app);
        }
        // the one fact a script wants, last
        out().printf("live colour: %s%n", result.liveColor());
        return ExitCodes.OK;
    }

    @Override
    protected String leftBehind() {
        return "the rollback may not have finished; `bluegreen status --app " + app + "` shows which colour is live, "
                + "and running `bluegreen rollback --app " + app + "` again finishes it";
    }
}
