package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * A switch that is being verified ({@link BlueGreen#switchTrafficVerified}): traffic has moved and been confirmed,
 * and the new live colour is watched until {@link #until()}. Holds no thread: the watches call back, a timer ends the
 * window.
 */
public final class CutoverVerification {
    private final SwitchResult switched;
    private final CutoverWatch watch;
    private final CompletableFuture<VerificationResult> result;

    CutoverVerification(SwitchResult switched, CutoverWatch watch, CompletableFuture<VerificationResult> result) {
        this.switched = switched;
        this.watch = watch;
        this.result = result;
    }

    /** Starts watching the colour {@code switched} made live; {@code held} is the lock it keeps (null: none). */
    static CutoverVerification start(
            EngineContext context,
            DeployLock lock,
            SwitchRequest request,
            SwitchResult switched,
            AppState state,
            HeldLock held) {
        CutoverWatch watch = CutoverWatch.start(context, lock, request, switched, state, held);
        return new CutoverVerification(switched, watch, watch.result());
    }

    /** Nothing to verify: the colour was live already. */
    static CutoverVerification notSwitched(SwitchResult switched, SwitchRequest request) {
        return new CutoverVerification(
                switched,
                null,
                CompletableFuture.completedFuture(new VerificationResult(
                        switched.app(),
                        switched.service(),
                        switched.to(),
                        null,
                        request.verifyFor(),
                        VerificationResult.Outcome.NOT_SWITCHED,
                        null)));
    }

    /**
     * The deploy lock's holder while {@code holder}'s switch is verified; a front whose process died mid-window (a
     * restarted controller) releases it under this name.
     */
    public static String holderFor(String holder) {
        return SwitchTraffic.verifyingHolder(holder);
    }

    /** The switch as it was made (traffic moved and confirmed). */
    public SwitchResult switched() {
        return switched;
    }

    /** When the window ends; null when nothing is being verified. */
    public Instant until() {
        return watch == null ? null : watch.until();
    }

    /**
     * Completes when the window ended with the colour healthy (recorded {@code verified}); cancelling it is a
     * {@link #stop}. Fails with
     * {@link AutoRevertedException} when it failed and traffic was switched back, with
     * {@link VerificationStoppedException} after {@link #stop}, or with another {@link BlueGreenException} when the
     * watch or the revert itself failed (its message says where traffic is).
     */
    public CompletableFuture<VerificationResult> result() {
        return result;
    }

    /**
     * Stops verifying, keeping traffic where it is: the watches end, nothing is reverted or recorded, the lock the
     * verification holds is released, and the previous colour keeps running until its scheduled scale-down, which is
     * never before the window's end. A revert or the final record already under way is not interrupted.
     *
     * @return completes once the lock was released; false when it was too late to stop (the result then comes as it
     *         would have)
     */
    public CompletableFuture<Boolean> stop(String why) {
        return watch == null ? CompletableFuture.completedFuture(false) : watch.stop(why);
    }

    /** Whether an informer of this verification still runs (tests: a stop must really stop the watches). */
    boolean watching() {
        return watch != null && watch.watching();
    }
}
