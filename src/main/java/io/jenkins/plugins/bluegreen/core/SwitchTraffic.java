package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Moves traffic to a ready colour: preflight, the single guarded Service write ({@link ServiceSelectorWrite}),
 * then the follow-ups that may safely lag behind — schedule the old colour's scale-down, drop any schedule on the
 * new live colour, move a recorded preview Service, release the lock. Rollback uses the same path.
 */
final class SwitchTraffic {
    private final EngineContext context;
    private final DeployLock lock;

    SwitchTraffic(EngineContext context, DeployLock lock) {
        this.context = context;
        this.lock = lock;
    }

    SwitchResult switchTraffic(SwitchRequest request) {
        return switchKeepingLock(request).result();
    }

    /**
     * A switch as {@link #switchTraffic} makes it; when the request verifies and traffic moved, the lock is not released
     * but passed to the verification ({@code verificationLock}; null when it could not be kept). {@code state} is the
     * read the switch decided on (the Service before the write, the target's Deployment).
     */
    record Switched(SwitchResult result, DeployLock.Held verificationLock, AppState state) { }

    /** Traffic moved from one colour to the other (not a re-recorded Service): there is a colour to go back to. */
    static boolean verifiable(SwitchRequest request, SwitchResult result) {
        return request.verifies() && result.outcome() == SwitchResult.Outcome.SWITCHED && result.from() != null
                && result.from() != result.to();
    }

    /** The holder a verification keeps the lock under: not the switch's own, which its next deploy would continue. */
    static String verifyingHolder(String holder) {
        return holder + ":verifying";
    }

    Switched switchKeepingLock(SwitchRequest request) {
        InputValidation.verifyFor(request.verifyFor());
        InputValidation.app(request.app(), context.settings());
        InputValidation.holder(request.holder());
        InputValidation.lockWait(request.lockWait());
        InputValidation.scaleDownDelay(request.scaleDownDelay());
        InputValidation.approvedBy("approvedBy", request.approvedBy());
        // the Service and the target only: the old colour is not needed before traffic moves
        AppState state = requireSwitchable(AppState.readServiceAndTarget(context, request.app(), request.service(),
                request.to()), request);
        Color target = request.to() != null ? request.to() : state.idleColor();
        ApprovedRevisionGuard guard = request.expectRevision() == null ? null
                : new ApprovedRevisionGuard(context, request.expectRevision());
        if (target == state.liveColor() && state.recordProblem() == null) {
            if (guard != null) {
                guard.check(state, target); // live already, by someone else: still say if it is not what was approved
            }
            // "already live" only counts when users get its ready pods: stray selector keys are removed, and a Service
            // that reaches none of them fails (NotServingException) instead of saying there is nothing to do
            boolean repaired = new ServiceSelectorWrite(context).ensureServing(state, target);
            context.listener().info("Service " + state.serviceName() + " already selects " + target + (repaired
                    ? "; its stray selector keys were removed, so it reaches " + target + "'s pods again"
                    : "; nothing to do"));
            try {
                lock.release(request.app(), request.holder());
            } catch (BlueGreenException e) {
                context.listener().warn("the deploy lock of " + request.app() + " could not be released ("
                        + e.getMessage() + "); it expires by itself");
            }
            return new Switched(new SwitchResult(request.app(), state.serviceName(), target, target,
                    state.deployment(target).map(d -> Labels.annotation(d, StateKeys.REVISION)).orElse(null),
                    SwitchResult.Outcome.ALREADY_LIVE, null, null, null), null, state);
        }
        ServiceSelectorWrite selectorWrite = new ServiceSelectorWrite(context);
        refuseUnnamedRolledBack(request, state);
        // before the preflight, so a colour being rolled out to something else is named as that, not as "not ready"
        ApprovedRevisionGuard.Checked checked = guard == null ? null : guard.check(state, target);
        selectorWrite.preflight(state, target, false);

        // usually the deploy's own lock, proven by the stamp it left on the target: no Lease request at all
        // (LockStamp says why that is safe); otherwise the Lease is read (and taken if need be)
        DeployLock.Held held = lock.provenByStamp(request.app(), request.holder(), state.deployment(target).orElse(null),
                state.service()).orElse(null);
        if (held == null) {
            held = lock.holdBriefly(request.app(), request.holder(), request.lockWait());
        }
        if (held.contended()) {
            // read before another holder let go of the lock: the target may have been redeployed or scaled down
            // meanwhile without the Service changing, and a guarded Service write would not notice
            try {
                state = requireSwitchable(AppState.read(context, request.app(), request.service()), request);
                target = request.to() != null ? request.to() : state.idleColor();
                refuseUnnamedRolledBack(request, state);
                checked = null; // judged again on this read
                if (target != state.liveColor() || state.recordProblem() != null) {
                    checked = guard == null ? null : guard.check(state, target);
                    selectorWrite.preflight(state, target, false);
                }
            } catch (RuntimeException e) {
                lock.release(held);
                throw e;
            }
        }
        Duration delay = request.scaleDownDelay() != null ? request.scaleDownDelay()
                : context.settings().scaleDownDelay();
        if (request.verifies() && !delay.isZero() && delay.compareTo(request.verifyFor()) < 0) {
            // the old colour is what a revert switches back to: it runs at least until the window ends
            delay = request.verifyFor();
        }
        SwitchResult result;
        try {
            // a refusal of the revision keeps the lock as it was, as other failures here do
            result = switchAndFollow(state, target, HistoryEntry.SWITCH, request.approvedBy(), request.buildUrl(),
                    null, delay, guard == null ? null : guard.startingFrom(state, checked));
        } catch (TrafficUnconfirmedException written) {
            lock.releaseAfterSwitch(held, true); // its message names the command that moves traffic back
            throw written;
        }
        if (verifiable(request, result)) {
            return new Switched(result, lock.passTo(held, verifyingHolder(request.holder())).orElse(null), state);
        }
        lock.releaseAfterSwitch(held, result.outcome() == SwitchResult.Outcome.SWITCHED);
        return new Switched(result, null, state);
    }

    /**
     * An adopted app, or one whose Service lost its colour key while both colours run ({@link ColourKeyLostException}):
     * a switch naming the colour repairs that, as it re-records a Service whose record was lost ({@link
     * AppState#recordProblem}); an unnamed switch cannot know which colour was meant.
     */
    private static AppState requireSwitchable(AppState state, SwitchRequest request) {
        if (request.to() != null && state.selectorProblem() instanceof ColourKeyLostException) {
            return state;
        }
        AppState adopted = state.requireAdopted();
        if (request.to() == null && adopted.recordProblem() != null) {
            throw new RefusedException("not switching without a colour named: " + adopted.recordProblem()
                    + ", so which colour is idle cannot be told from it", "name the colour that should serve: "
                    + "bluegreen switch --app " + state.app() + " --to " + adopted.liveColor() + " (or --to "
                    + adopted.idleColor() + "; switchTraffic to: '" + adopted.liveColor() + "')");
        }
        return adopted;
    }

    /**
     * A switch to "the idle colour" right after a rollback would put the rolled-back release live again; only a
     * switch that names the colour may ({@link RolledBack}).
     */
    private void refuseUnnamedRolledBack(SwitchRequest request, AppState state) {
        if (request.to() != null) {
            return;
        }
        List<HistoryEntry> history = new ServiceSelectorWrite(context).readHistory(state.service());
        Optional<RolledBack> rolledBack = RolledBack.heldByIdle(state, history);
        if (rolledBack.isPresent()) {
            throw new RolledBackReleaseException(rolledBack.get().refusal(state, "not switching to " + state.idleColor()
                    + " without its name"));
        }
        refuseUnnamedSwitchBack(state, history);
    }

    /**
     * A retried switch must not undo the one that just went through: right after a switch, the idle colour holds the
     * release that switch replaced, not a new one, so going there needs its name (or a rollback).
     */
    private void refuseUnnamedSwitchBack(AppState state, List<HistoryEntry> history) {
        if (history.isEmpty() || !HistoryEntry.SWITCH.equals(history.get(0).action())
                || history.get(0).switchedAt() == null || history.get(0).color() != state.liveColor()
                || state.idleColor() == null) {
            return;
        }
        HistoryEntry last = history.get(0);
        if (RolledBack.idleRedeployedSince(state, last.switchedAt())) {
            return; // a new release was deployed there since the last switch
        }
        throw new RefusedException("not switching to " + state.idleColor() + " without its name: " + state.liveColor()
                + " went live at " + last.switchedAt() + (last.approvedBy() == null ? ""
                        : " (approved by " + Printable.line(last.approvedBy()) + ")") + " and " + state.idleColor()
                + " still holds the release that switch replaced",
                "to go back use rollback; to put " + state.idleColor() + " live on purpose name it (bluegreen switch --to "
                        + state.idleColor() + "; switchTraffic to: '" + state.idleColor() + "')");
    }

    /**
     * The write and its follow-ups, for a caller that validated and holds the lock. The follow-ups decide on the
     * Deployments as {@code state} read them (the writes are guarded, so a stale copy is refused and re-read), which
     * keeps the switch at one read of each object.
     *
     * <p>Once the Service write succeeded, traffic has moved and the switch is done and recorded: a follow-up that
     * fails is a warning, not a failure of the switch (a pipeline told "failed" would roll back or retry a release
     * that went live). Each failure leaves the safe side: an old colour whose scale-down could not be scheduled keeps
     * running, a preview Service that could not be moved keeps its selector.
     */
    SwitchResult switchAndFollow(AppState state, Color target, String action, String approvedBy, String buildUrl,
                                 Duration scaleDownDelay) {
        return switchAndFollow(state, target, action, approvedBy, buildUrl, null, scaleDownDelay, null);
    }

    /**
     * As above, with a reason in its history entry (an auto-revert's), and held to an approved revision when
     * {@code guard} is given ({@link ApprovedRevisionGuard}).
     */
    SwitchResult switchAndFollow(AppState state, Color target, String action, String approvedBy, String buildUrl,
                                 String reason, Duration scaleDownDelay, ApprovedRevisionGuard guard) {
        ServiceSelectorWrite.Outcome outcome = new ServiceSelectorWrite(context)
                .write(state, target, new TrafficChange(action, approvedBy, buildUrl, reason, guard));
        if (!outcome.written()) {
            String revision = state.deployment(target).map(d -> Labels.annotation(d, StateKeys.REVISION)).orElse(null);
            return new SwitchResult(state.app(), state.serviceName(), target, target, revision,
                    SwitchResult.Outcome.ALREADY_LIVE, null, null, null);
        }
        return followUps(state, target, outcome, scaleDownDelay);
    }

    /**
     * What comes after a Service write that moved traffic from {@code state}'s live colour to {@code target}
     * ({@code outcome.before()} holds the copies it decided on): see {@link #switchAndFollow}.
     */
    SwitchResult followUps(AppState state, Color target, ServiceSelectorWrite.Outcome outcome, Duration scaleDownDelay) {
        // a re-recorded colour (its record had been lost) moved no traffic: nothing was left to schedule or retarget
        Color from = state.liveColor() == target ? null : state.liveColor();
        String revision = state.deployment(target).map(d -> Labels.annotation(d, StateKeys.REVISION)).orElse(null);
        ScaleDown scaleDown = new ScaleDown(context);
        AppState read = outcome.before();
        String targetName = context.settings().deploymentName(state.app(), target);
        followUp("dropping a scale-down scheduled on " + targetName, targetName + " may still carry its "
                + StateKeys.SCALE_DOWN_AT + " annotation; scaleDownIfDue drops it rather than scale a live colour",
                () -> {
                    scaleDown.cancel(state.app(), target, read.deployment(target).orElse(null));
                    return null;
                });
        Instant scaleDownAt = null;
        if (from != null) {
            String fromName = context.settings().deploymentName(state.app(), from);
            // the old colour was not read before the switch (it need not be): scheduled by a patch that needs no copy
            scaleDownAt = followUp("scheduling the scale-down of " + fromName, fromName + " keeps running (nothing "
                    + "is scheduled): scale it down by hand when a rollback is no longer wanted",
                    () -> scaleDown.schedule(state.app(), from, scaleDownDelay, read.deployment(from).orElse(null)));
        }
        String preview = state.deployment(target).map(d -> Labels.annotation(d, StateKeys.PREVIEW_SERVICE))
                .orElseGet(() -> PreviewService.recorded(state));
        if (preview != null) {
            // the preview follows the traffic, so it never selects a colour that is about to be scaled down
            followUp("pointing preview Service " + preview + " at " + target, preview + " keeps its selector",
                    () -> {
                        new PreviewService(context).pointAt(state, preview, target);
                        return null;
                    });
        }
        String hpa = Labels.annotation(state.service(), StateKeys.HPA);
        if (hpa != null && from != null) {
            String fromName = context.settings().deploymentName(state.app(), from);
            // the autoscaling follows the traffic: the colour left is kept for a rollback, not scaled by the HPA
            followUp("retargeting HorizontalPodAutoscaler " + hpa + " to " + targetName, hpa + " still scales "
                    + fromName + ": point its scaleTargetRef at " + targetName + " by hand",
                    () -> {
                        if (!new Autoscaler(context).retarget(hpa, fromName, targetName)) {
                            context.listener().warn("HorizontalPodAutoscaler " + hpa + " does not scale " + fromName
                                    + " (gone, or pointed elsewhere by someone): not retargeted to " + targetName);
                        }
                        return null;
                    });
        }
        return new SwitchResult(state.app(), state.serviceName(), from, target, revision,
                SwitchResult.Outcome.SWITCHED, scaleDownAt, preview, outcome.recorded());
    }

    /** A step after traffic moved: its failure is reported as a warning saying what it leaves; null then. */
    private <T> T followUp(String doing, String leaves, java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (BlueGreenException e) {
            context.listener().warn("traffic is switched, but " + doing + " failed (" + e.getMessage() + "): " + leaves);
            return null;
        }
    }
}
