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
 * {@code bluegreen switch}: point the live Service at the new colour in one guarded write, then keep the old colour
 * for the scale-down delay (so kube-proxy has caught up and a rollback is instant) and scale it down through the
 * engine. The process stays in the foreground for that delay; Ctrl-C leaves the old colour running.
 */
@Command(name = "switch",
        description = {"Switch live traffic to a colour (default: the idle one) after checking all its replicas are "
                + "ready; records who approved it in the Service's history.",
                "Afterwards waits for the scale-down delay and scales the old colour down; Ctrl-C during the wait, "
                + "or --scale-down-delay 0, keeps it running."})
final class SwitchCommand extends EngineCommand {

    @Option(names = "--to", paramLabel = "blue|green", converter = ColorConverter.class,
            description = "the colour to make live (default: the idle one)")
    Color to;

    @Option(names = "--approved-by", paramLabel = "WHO", description = "recorded in the history with the switch")
    String approvedBy;

    @Option(names = "--scale-down-delay", paramLabel = "DURATION", converter = Durations.NonNegative.class,
            description = "how long the old colour keeps running before it is scaled down; 0 keeps it "
                    + "(default: 30s)")
    Duration scaleDownDelay;

    @Mixin
    LockOptions lock;

    @Override
    protected int run(BlueGreen engine) {
        SwitchResult result = engine.switchTraffic(SwitchRequest.builder(app)
                .to(to)
                .approvedBy(approvedBy)
                .holder(holder())
                .lockWait(lock.lockWait)
                .scaleDownDelay(scaleDownDelay)
                .build());
        // the engine has said what it wrote ("Service myapp now selects green (was blue)") or that nothing was needed
        if (result.from() == null || result.from() == result.to()) {
            return ExitCodes.OK;
        }
        String old = engine.settings().deploymentName(app, result.from());
        if (result.scaleDownAt() == null) {
            out().printf("keeping %s (%s) running for an instant rollback: bluegreen rollback --app %s%n", old,
                    result.from(), app);
            return ExitCodes.OK;
        }
        return awaitScaleDown(engine, old, result.scaleDownAt());
    }

    private int awaitScaleDown(BlueGreen engine, String old, Instant due) {
        Duration wait = Duration.between(Instant.now(), due);
        out().printf("keeping %s for %s (until %s) so a rollback stays instant, then scaling it down.%n", old,
                Durations.format(wait.isNegative() ? Duration.ZERO : wait), due);
        out().printf("Ctrl-C keeps it running (the scale-down stays scheduled on the Service; "
                + "use --scale-down-delay 0 to keep it by default).%n");
        out().flush();
        String kept = "stopped waiting: " + old + " keeps running; its scale-down stays scheduled for " + due;
        // Ctrl-C ends the JVM through its shutdown hooks, not by interrupting this thread: say what it leaves behind
        Thread onCtrlC = new Thread(() -> {
            out().println();
            out().println(kept);
            out().flush();
        }, "switch-ctrl-c");
        Runtime.getRuntime().addShutdownHook(onCtrlC);
        CompletableFuture<ScaleDownResult> scaleDown = engine.scaleDownWhenDue(app);
        ScaleDownResult done;
        try {
            done = scaleDown.get();
        } catch (InterruptedException e) {
            // in-process, an interrupt is the Ctrl-C: the switch is done, only the optional scale-down is skipped
            scaleDown.cancel(true);
            out().println(kept);
            Thread.currentThread().interrupt();
            return ExitCodes.OK;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(onCtrlC);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: Ctrl-C arrived as the wait ended
            }
        }
        // SCALED_DOWN and SKIPPED_LIVE the engine reports itself; the other two it has no reason to mention
        switch (done.outcome()) {
            case NOTHING_SCHEDULED -> out().println("the scale-down was cancelled meanwhile; nothing scaled down");
            case NOT_DUE -> out().printf("the scale-down of %s was rescheduled to %s; leaving it running%n",
                    done.deployment(), done.due());
            case SCALED_DOWN, SKIPPED_LIVE -> { }
        }
        return ExitCodes.OK;
    }
}
