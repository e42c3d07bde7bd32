package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.CutoverVerification;
import io.jenkins.plugins.bluegreen.core.Revision;
import io.jenkins.plugins.bluegreen.core.ScaleDownResult;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bluegreen switch}: point the live Service at the new colour in one guarded write and return once the engine
 * has confirmed it. The old colour's scale-down is scheduled on its Deployment; whoever comes by when it is due
 * carries it out ({@code bluegreen scale-down}, or this command with {@code --wait-scale-down}).
 */
@Command(
        name = "switch",
        description = {
            "Switch live traffic to a colour (default: the idle one) after checking all its replicas are "
                    + "ready; records who approved it in the Service's history. Returns once traffic has moved.",
            "The old colour keeps running for the scale-down delay, so a rollback stays instant; its scale-down is "
                    + "scheduled on its Deployment and carried out by 'bluegreen scale-down' once due, or by this command "
                    + "with --wait-scale-down. --scale-down-delay 0 keeps the old colour running for good (until the "
                    + "next deploy replaces it).",
            "--verify-for 2m then watches the new colour for that long and switches back to the old one (kept "
                    + "running and locked meanwhile) if any of its pods crashes, restarts or loses readiness: exit 1 "
                    + "naming the pods. Ctrl-C stops verifying and leaves traffic where it is."
        })
final class SwitchCommand extends EngineCommand {

    @Mixin
    DryRunOption dryRunOption;

    @Override
    boolean dryRun() {
        return dryRunOption.dryRun;
    }

    @Option(
            names = "--to",
            paramLabel = "blue|green",
            converter = ColorConverter.class,
            description = "the colour to make live (default: the idle one)")
    Color to;

    @Option(
            names = "--approved-by",
            paramLabel = "WHO",
            description = "recorded in the history with the switch (one line, at most 256 characters)")
    String approvedBy;

    @Option(
            names = "--scale-down-delay",
            paramLabel = "DURATION",
            converter = Durations.NonNegative.class,
            description = "how long the old colour keeps running before its scale-down is due; 0 keeps it running "
                    + "for good, until the next deploy replaces it (default: 30s)")
    Duration scaleDownDelay;

    @Option(
            names = "--wait-scale-down",
            description = "stay in the foreground until the old colour's scale-down is due and carry it out "
                    + "(default: return once traffic has moved)")
    boolean waitScaleDown;

    @Option(
            names = "--verify-for",
            paramLabel = "DURATION",
            converter = Durations.NonNegative.class,
            description = "after the switch, watch the new colour for this long and switch back automatically if "
                    + "it fails (exit 1); the old colour keeps running and the deploy lock stays held meanwhile "
                    + "(default: 0, no verification)")
    Duration verifyFor;

    @Option(
            names = "--expect-revision",
            paramLabel = "REV",
            converter = RevisionConverter.class,
            description = "the revision you approved, as deploy or await printed it (<pod-template-hash>@<digest>): "
                    + "refuse, writing nothing (exit 1), if the colour no longer runs it — re-deployed, edited, "
                    + "restarted or its image re-pushed since (default: not checked)")
    Revision expectRevision;

    @Mixin
    LockOptions lock;

    /** What Ctrl-C leaves; moves on as the switch does. */
    private volatile String leftBehind;
    /** The verification under way, which Ctrl-C stops. */
    private volatile CutoverVerification verification;

    @Override
    protected int run(BlueGreen engine) throws Exception {
        leftBehind = "the switch may or may not have moved traffic; `bluegreen status --app " + app + "` shows which "
                + "colour is live";
        SwitchRequest request = SwitchRequest.builder(app)
                .to(to)
                .approvedBy(approvedBy)
                .holder(holder())
                .lockWait(lock.lockWait)
                .scaleDownDelay(scaleDownDelay)
                .expectRevision(expectRevision)
                .verifyFor(verifyFor)
                .build();
        SwitchResult result;
        if (request.verifies()) {
            verification = engine.switchTrafficVerified(request);
            result = verification.switched();
            if (verification.until() != null) {
                verify(engine, result);
            }
        } else {
            result = engine.switchTraffic(request);
        }
        // the engine has said what it wrote ("Service myapp now selects green (was blue)") or that nothing was needed
        if (expectRevision != null) {
            out().printf("%s runs the approved revision %s%n", result.to(), expectRevision.text());
        }
        if (result.from() == null || result.from() == result.to()) {
            leftBehind = "nothing more to do: " + result.to() + " was live already";
            return ExitCodes.OK;
        }
        String old = engine.settings().deploymentName(app, result.from());
        if (result.scaleDownAt() == null) {
            leftBehind = "traffic is on " + result.to() + "; " + old + " keeps running";
            out().printf(
                            "keeping %s (%s) running for an instant rollback (no scale-down scheduled): "
                                    + "bluegreen rollback --app %s%n",
                            old, result.from(), app);
            return ExitCodes.OK;
        }
        leftBehind = "traffic is on " + result.to() + "; " + old + " keeps running, its scale-down is scheduled on "
                + "Deployment " + old + " for " + result.scaleDownAt() + ": run `bluegreen scale-down --app " + app
                + "` once it is due";
        if (!waitScaleDown) {
            out().printf(
                            "keeping %s running until %s so a rollback stays instant; its scale-down is scheduled on "
                                    + "Deployment %s: run 'bluegreen scale-down --app %s' once it is due (or switch with "
                                    + "--wait-scale-down to wait for it)%n",
                            old, result.scaleDownAt(), old, app);
            return ExitCodes.OK;
        }
        return awaitScaleDown(engine, old, result.scaleDownAt());
    }

    @Override
    protected String leftBehind() {
        return leftBehind == null ? "nothing was written" : leftBehind;
    }

    /**
     * Waits out the verification window. A failure (auto-revert: traffic is back on the old colour) is thrown and
     * reported as exit 1 with the engine's message naming the pods and their reasons.
     */
    private void verify(BlueGreen engine, SwitchResult result) throws InterruptedException {
        String old = engine.settings().deploymentName(app, result.from());
        leftBehind =
                "traffic is on " + result.to() + ", whose verification was stopped: not verified, nothing reverted; "
                        + old + " keeps running"
                        + (result.scaleDownAt() == null
                                ? ""
                                : " until " + result.scaleDownAt() + " (not before the window's end)")
                        + " and the deploy lock was released — to go back: bluegreen "
                        + "rollback --app " + app;
        out().printf(
                        "verifying %s until %s (--verify-for %s); %s stays running and the deploy lock held meanwhile. "
                                + "Ctrl-C stops verifying and leaves traffic on %s.%n",
                        result.to(), verification.until(), Durations.format(verifyFor), old, result.to());
        out().flush();
        try {
            verification.result().get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
        out().printf(
                        "verified: %s held up for %s; recorded in the history of Service %s%n",
                        result.to(), Durations.format(verifyFor), result.service());
    }

    @Override
    protected void onInterrupt() {
        CutoverVerification running = verification;
        if (running == null) {
            return;
        }
        boolean interrupted = Thread.interrupted(); // an in-process interrupt is still pending: wait regardless
        try {
            // ends the watch and gives the lock back; traffic stays where it is (a revert under way completes)
            running.stop("interrupted (Ctrl-C)").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            err().println("warning: the verification's deploy lock may stay held until it expires (" + e + "); "
                    + "bluegreen unlock --app " + app + " clears it");
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private int awaitScaleDown(BlueGreen engine, String old, Instant due) {
        Duration wait = Duration.between(Instant.now(), due);
        out().printf(
                        "keeping %s for %s (until %s) so a rollback stays instant, then scaling it down "
                                + "(--wait-scale-down).%n",
                        old, Durations.format(wait.isNegative() ? Duration.ZERO : wait), due);
        out().printf(
                        "Ctrl-C stops waiting and keeps it running (the scale-down stays scheduled on Deployment %s).%n",
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
            case NOT_DUE ->
                out().printf(
                                "the scale-down of %s was rescheduled to %s; leaving it running%n",
                                done.deployment(), done.due());
            case SCALED_DOWN, SKIPPED_LIVE -> {}
        }
        leftBehind = "nothing more to do";
        return ExitCodes.OK;
    }
}
