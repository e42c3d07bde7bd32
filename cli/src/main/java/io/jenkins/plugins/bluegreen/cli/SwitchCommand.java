package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bluegreen switch}: point the live Service at the new colour in one guarded write and return once the engine
 * has confirmed it. The old colour's scale-down is scheduled on its Deployment; whoever comes by when it is due
 * carries it out ({@code bluegreen scale-down}, or this command with {@code --wait-scale-down}).
 */
@Command(name = "switch",
        description = {"Switch live traffic to a colour (default: the idle one) after checking all its replicas are "
                + "ready; records who approved it in the Service's history. Returns once traffic has moved.",
                "The old colour keeps running for the scale-down delay, so a rollback stays instant; its scale-down is "
                + "scheduled on its Deployment and carried out by 'bluegreen scale-down' once due, or by this command "
                + "with --wait-scale-down. --scale-down-delay 0 keeps the old colour running for good (until the "
                + "next deploy replaces it)."})
final class SwitchCommand extends EngineCommand {

    @Mixin
    DryRunOption dryRunOption;

    @Override
    boolean dryRun() {
        return dryRunOption.dryRun;
    }

    @Option(names = "--to", paramLabel = "blue|green", converter = ColorConverter.class,
            description = "the colour to make live (default: the idle one)")
    Color to;

    @Option(names = "--approved-by", paramLabel = "WHO",
            description = "recorded in the history with the switch (one line, at most 256 characters)")
    String approvedBy;

    @Option(names = "--scale-down-delay", paramLabel = "DURATION", converter = Durations.NonNegative.class,
            description = "how long the old colour keeps running before its scale-down is due; 0 keeps it running "
                    + "for good, until the next deploy replaces it (default: 30s)")
    Duration scaleDownDelay;

    @Option(names = "--wait-scale-down",
            description = "stay in the foreground until the old colour's scale-down is due and carry it out "
                    + "(default: return once traffic has moved)")
    boolean waitScaleDown;

    @Mixin
    LockOptions lock;

    /** What Ctrl-C leaves; moves on as the switch does. */
    private volatile String leftBehind;

    @Override
    protected int run(BlueGreen engine) {
        leftBehind = "the switch may or may not have moved traffic; `bluegreen status --app " + app + "` shows which "
                + "colour is live";
        SwitchResult result = engine.switchTraffic(SwitchRequest.builder(app)
                .to(to)
                .approvedBy(approvedBy)
                .holder(holder())
                .lockWait(lock.lockWait)
                .scaleDownDelay(scaleDownDelay)
                .build());
        // the engine has said what it wrote ("Service myapp now selects green (was blue)") or that nothing was needed
        if (result.from() == null || result.from() == result.to()) {
            leftBehind = "nothing more to do: " + result.to() + " was live already";
            return ExitCodes.OK;
        }
        String old = engine.settings().deploymentName(app, result.from());
        if (result.scaleDownAt() == null) {
            leftBehind = "traffic is on " + result.to() + "; " + old + " keeps running";
            out().printf("keeping %s (%s) running for an instant rollback (no scale-down scheduled): "
                    + "bluegreen rollback --app %s%n", old, result.from(), app);
            return ExitCodes.OK;
        }
        leftBehind = "traffic is on " + result.to() + "; " + old + " keeps running, its scale-down is scheduled on "
                + "Deployment " + old + " for " + result.scaleDownAt() + ": run `bluegreen scale-down --app " + app
                + "` once it is due";
        if (!waitScaleDown) {
            out().printf("keeping %s running until %s so a rollback stays instant; its scale-down is scheduled on "
                    + "Deployment %s: run 'bluegreen scale-down --app %s' once it is due (or switch with "
                    + "--wait-scale-down to wait for it)%n", old, result.scaleDownAt(), old, app);
            return ExitCodes.OK;
        }
        return awaitScaleDown(engine, old, result.scaleDownAt());
    }

    @Override
    protected String leftBehind() {
        return leftBehind == null ? "nothing was written" : leftBehind;
    }

    private int awaitScaleDown(BlueGreen engine, String old, Instant due) {
        Duration wait = Duration.between(Instant.now(), due);
        out().printf("keeping %s for %s (until %s) so a rollback stays instant, then scaling it down "
                + "(--wait-scale-down).%n", old, Durations.format(wait.isNegative() ? Duration.ZERO : wait), due);
        out().printf("Ctrl-C stops waiting and keeps it running (the scale-down stays scheduled on Deployment %s).%n",
                old);
        out().flush();
        CompletableFuture<ScaleDownResult> scaleDown = engine.scaleDownWhenDue(app);
        ScaleDownResult done;
        try {
            done = scaleDown.get();
        } catch (InterruptedException e) {
            // in-process, an interrupt is the Ctrl-C: the switch is done, only the scale-down is left for later
            scaleDown.cancel(true);
            Thread.currentThread().interrupt();
            err().println("interrupted: " + leftBehind());
            err().flush();
            return ExitCodes.INTERRUPTED;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        // SCALED_DOWN and SKIPPED_LIVE the engine reports itself; the other two it has no reason to mention
        switch (done.outcome()) {
            case NOTHING_SCHEDULED -> out().println("the scale-down was cancelled meanwhile; nothing scaled down");
            case NOT_DUE -> out().printf("the scale-down of %s was rescheduled to %s; leaving it running%n",
                    done.deployment(), done.due());
            case SCALED_DOWN, SKIPPED_LIVE -> { }
        }
        leftBehind = "nothing more to do";
        return ExitCodes.OK;
    }
}
