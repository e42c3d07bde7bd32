package io.jenkins.plugins.bluegreen.plugin;

import hudson.AbortException;
import io.jenkins.plugins.bluegreen.core.CutoverVerification;
import io.jenkins.plugins.bluegreen.core.DurationText;
import io.jenkins.plugins.bluegreen.core.SwitchRequest;
import io.jenkins.plugins.bluegreen.core.SwitchResult;
import io.jenkins.plugins.bluegreen.core.VerificationResult;
import java.time.Duration;
import java.time.Instant;

/**
 * What switchTraffic and blueGreenRelease share about a switch and its verification window ({@code verifyFor}):
 * the request, whether the switch is verified, the wait for the window and what both say about it. The verification
 * itself is core's; the steps wait for its future without a thread.
 */
final class VerifiedSwitch {
    private VerifiedSwitch() {}

    /** The request both steps send: this build's identity, no lock wait of core's own (the step waits, threadless). */
    static <S extends ClusterStep & SwitchingStep> SwitchRequest.Builder request(ClusterStepExecution<S> execution) {
        S step = execution.step;
        return SwitchRequest.builder(step.getApp())
                .service(step.getService())
                .buildUrl(execution.identity().buildUrl())
                .holder(execution.identity().holder())
                .lockWait(Duration.ZERO)
                .scaleDownDelay(step.parsedScaleDownDelay())
                .verifyFor(step.parsedVerifyFor());
    }

    /**
     * Switches under the deploy lock; a request with a window goes to core's verified switch, which passes the lock
     * to its watch, and continues with {@code verifying}; any other with {@code switched}.
     */
    static void start(
            ClusterStepExecution<?> execution,
            String what,
            Duration lockWait,
            SwitchRequest request,
            ClusterStepExecution.Next<SwitchResult> switched,
            ClusterStepExecution.Next<CutoverVerification> verifying) {
        if (request.verifies()) {
            execution.lockedWork(what, lockWait, engine -> engine.switchTrafficVerified(request), verifying);
        } else {
            execution.lockedWork(what, lockWait, engine -> engine.switchTraffic(request), switched);
        }
    }

    /**
     * Waits (no thread) for the window of a switch that went live; {@code passed} runs when it passes, an auto-revert
     * fails the step with core's message naming the pods and where traffic is.
     */
    static void watch(
            ClusterStepExecution<?> execution,
            CutoverVerification verification,
            Duration window,
            ClusterStepExecution.Next<VerificationResult> passed) {
        SwitchResult r = verification.switched();
        execution.waitFor(
                "verifying " + r.to().label() + " of " + execution.step.getApp() + " until " + verification.until(),
                ClusterStepExecution.Activity.WAITING,
                verification.result(),
                result -> {
                    execution.console().line(passed(result));
                    passed.accept(result);
                });
        // announced once the step's status says it is verifying (a reader of the console may ask for it)
        execution.console().line(watching(r, verification.until(), window));
    }

    /** Resumed after a restart cut the window's watch off: release the verification's lock, then fail saying so. */
    static void resumeCutOff(
            ClusterStepExecution<?> execution, String live, String previous, Instant scaleDownAt, Instant until) {
        String app = execution.step.getApp();
        execution.blocking(
                "releasing the deploy lock of " + app + "'s verification",
                engine -> engine.releaseLock(
                        app, CutoverVerification.holderFor(execution.identity().holder())),
                released ->
                        execution.fail(new AbortException(cutOffByRestart(app, live, previous, scaleDownAt, until))));
    }

    /** The console lines an approver reads after a switch. */
    static void describe(SwitchResult r, ConsoleListener console) {
        if (r.outcome() == SwitchResult.Outcome.ALREADY_LIVE) {
            console.line(r.to() + " was already live for " + r.app() + " (someone else switched); nothing written");
            return;
        }
        String who = r.recorded() != null && r.recorded().approvedBy() != null
                ? " (approved by " + r.recorded().approvedBy() + ")"
                : "";
        console.line("switched " + r.app() + " (Service " + r.service() + "): " + r.from() + " -> " + r.to() + who);
        console.line(
                r.scaleDownAt() != null
                        ? "old colour " + r.from() + " will be scaled down at " + r.scaleDownAt()
                                + " (scaleDownDelay); " + "rollback app: '" + r.app() + "' before then is instant"
                        : "old colour " + r.from() + " keeps running (scaleDownDelay: 0)");
        console.line("to roll back: rollback app: '" + r.app() + "'");
    }

    private static String watching(SwitchResult r, Instant until, Duration window) {
        return "verifying " + r.to() + " of " + r.app() + " until " + until + " (verifyFor "
                + DurationText.format(window)
                + "): a crash loop, restart or lost readiness of its pods switches traffic back to " + r.from()
                + ", which keeps running meanwhile; this build holds no thread while it watches";
    }

    private static String passed(VerificationResult r) {
        return r.color() + " passed its verification (" + DurationText.format(r.window()) + "); recorded as verified "
                + "in the history of Service " + r.service();
    }

    /** A stop (abort) during the window: traffic stays, the watch and the verification's lock end. */
    static String stopped(String app, String live, String previous, Instant scaleDownAt, Instant until) {
        return "the verification of " + live + " was stopped before its window ended (" + until + "): traffic stays on "
                + live + ", not verified and not reverted; " + previous + " keeps running"
                + (scaleDownAt == null ? "" : " until " + scaleDownAt + " (not before the window's end)")
                + "; the deploy lock the verification held is released — to go back: rollback app: '" + app + "'";
    }

    /** A controller restart cut the watch off (a safe restart waits for the window instead). */
    private static String cutOffByRestart(
            String app, String live, String previous, Instant scaleDownAt, Instant until) {
        return "Jenkins restarted while verifying " + live + " of " + app + " (window until " + until + "): the watch "
                + "did not survive the restart, so " + live + " stays live, not verified and not reverted; " + previous
                + " keeps running" + (scaleDownAt == null ? "" : " until " + scaleDownAt) + " — check it (bluegreen "
                + "status --app " + app + ") and roll back if needed: rollback app: '" + app + "'";
    }
}
