package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
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

    SwitchResult switchTraffic(App app, SwitchRequest request) {
        return switchKeepingLock(app, request).result();
    }

    /**
     * A switch as {@link #switchTraffic} makes it; when the request verifies and traffic moved, the lock is not released
     * but passed to the verification ({@code verificationLock}; null when it could not be kept). {@code state} is the
     * read the switch decided on (the Service before the write, the target's Deployment).
     */
    record Switched(SwitchResult result, HeldLock verificationLock, AppState state) {}

    /** Traffic moved from one colour to the other (not a re-recorded Service): there is a colour to go back to. */
    static boolean verifiable(SwitchRequest request, SwitchResult result) {
        return request.verifies()
                && result.outcome() == SwitchResult.Outcome.SWITCHED
                && result.from() != null
                && result.from() != result.to();
    }

    /** The holder a verification keeps the lock under: not the switch's own, which its next deploy would continue. */
    static String verifyingHolder(String holder) {
        return holder + ":verifying";
    }

    /** What the switch decided on one read: the state, the colour to switch to, the approved revision as checked. */
    private record Decided(AppState state, Color target, ApprovedRevisionGuard.Checked checked) {}

    /** The switch, step by step: read, decide, lock, write, follow up, release (or pass the lock to a verification). */
    Switched switchKeepingLock(App app, SwitchRequest request) {
        InputValidation.verifyFor(request.verifyFor());
        InputValidation.holder(request.holder());
        InputValidation.lockWait(request.lockWait());
        InputValidation.scaleDownDelay(request.scaleDownDelay());
        InputValidation.approvedBy("approvedBy", request.approvedBy());
        // the Service and the target only: the old colour is not needed before traffic moves
        AppState state = requireSwitchable(
                AppState.readServiceAndTarget(context, app, request.service(), request.to()), request);
        ApprovedRevisionGuard guard =
                request.expectRevision() == null ? null : new ApprovedRevisionGuard(context, request.expectRevision());
        Color target = request.to() != null ? request.to() : state.idleColor();
        if (target == state.liveColor() && state.recordProblem() == null) {
            return alreadyLive(app, request, state, target, guard);
        }
        // usually the deploy's own lock, proven by the stamp it left on the target: no Lease request at all
        LockAsk ask = LockAsk.of(app, request.holder(), LockAsk.Tenure.SHORT, request.lockWait())
                .provenBy(state.deployment(target), state.service());
        // read before another holder let go of the lock: the target may have been redeployed or scaled down
        // meanwhile without the Service changing, and a guarded Service write would not notice
        return lock.under(
                ask,
                decide(request, guard, state),
                stale -> decide(
                        request, guard, requireSwitchable(AppState.read(context, app, request.service()), request)),
                (held, decided) -> switchUnder(held, request, guard, decided));
    }

    /** Refusals before the lock: an unnamed switch back, a revision other than the approved one, a colour not ready. */
    private Decided decide(SwitchRequest request, ApprovedRevisionGuard guard, AppState state) {
        Color target = request.to() != null ? request.to() : state.idleColor();
        refuseUnnamedRolledBack(request, state);
        if (target == state.liveColor() && state.recordProblem() == null) {
            return new Decided(state, target, null); // switched by someone else meanwhile: the write says so
        }
        // before the preflight, so a colour being rolled out to something else is named as that, not as "not ready"
        ApprovedRevisionGuard.Checked checked = guard == null ? null : guard.check(state, target);
        new ServiceSelectorWrite(context).preflight(state, target, false);
        return new Decided(state, target, checked);
    }

    private Switched switchUnder(HeldLock held, SwitchRequest request, ApprovedRevisionGuard guard, Decided decided) {
        Duration delay = request.scaleDownDelay() != null
                ? request.scaleDownDelay()
                : context.settings().scaleDownDelay();
        if (request.verifies() && !delay.isZero() && delay.compareTo(request.verifyFor()) < 0) {
            // the old colour is what a revert switches back to: it runs at least until the window ends
            delay = request.verifyFor();
        }
        SwitchResult result;
        try {
            // a refusal of the revision keeps the lock as it was, as other failures here do
            result = switchAndFollow(
                    decided.state(),
                    decided.target(),
                    HistoryEntry.SWITCH,
                    request.approvedBy(),
                    request.buildUrl(),
                    null,
                    delay,
                    guard == null ? null : guard.startingFrom(decided.state(), decided.checked()));
        } catch (TrafficUnconfirmedException written) {
            held.releaseAfterChange(true); // its message names the command that moves traffic back
            throw written;
        }
        if (verifiable(request, result)) {
            return new Switched(
                    result, held.passTo(verifyingHolder(request.holder())).orElse(null), decided.state());
        }
        held.releaseAfterChange(result.outcome() == SwitchResult.Outcome.SWITCHED);
        return new Switched(result, null, decided.state());
    }

    /**
     * "Already live" only counts when users get its ready pods: stray selector keys are removed, and a Service that
     * reaches none of them fails ({@link NotServingException}) instead of saying there is nothing to do.
     */
    private Switched alreadyLive(
            App app, SwitchRequest request, AppState state, Color target, ApprovedRevisionGuard guard) {
        if (guard != null) {
            guard.check(state, target); // live already, by someone else: still say if it is not what was approved
        }
        boolean repaired = new ServiceSelectorWrite(context).ensureServing(state, target);
        context.listener()
                .info("Service " + state.serviceName() + " already selects " + target
                        + (repaired
                                ? "; its stray selector keys were removed, so it reaches " + target + "'s pods again"
                                : "; nothing to do"));
        try {
            lock.release(app, request.holder());
        } catch (BlueGreenException e) {
            context.listener()
                    .warn("the deploy lock of " + app + " could not be released (" + e.getMessage()
                            + "); it expires by itself");
        }
        return new Switched(
                new SwitchResult(
                        app.name(),
                        state.serviceName(),
                        target,
                        target,
                        state.deployment(target)
                                .map(d -> Labels.annotation(d, StateKeys.REVISION))
                                .orElse(null),
                        SwitchResult.Outcome.ALREADY_LIVE,
                        null,
                        null,
                        null),
                null,
                state);
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
            throw new RefusedException(
                    "not switching without a colour named: " + adopted.recordProblem()
                            + ", so which colour is idle cannot be told from it",
                    "name the colour that should serve: "
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
            throw new RolledBackReleaseException(
                    rolledBack.get().refusal(state, "not switching to " + state.idleColor() + " without its name"));
        }
        refuseUnnamedSwitchBack(state, history);
    }

    /**
     * A retried switch must not undo the one that just went through: right after a switch, the idle colour holds the
     * release that switch replaced, not a new one, so going there needs its name (or a rollback).
     */
    private void refuseUnnamedSwitchBack(AppState state, List<HistoryEntry> history) {
        if (history.isEmpty()
                || !HistoryEntry.SWITCH.equals(history.get(0).action())
                || history.get(0).switchedAt() == null
                || history.get(0).color() != state.liveColor()
                || state.idleColor() == null) {
            return;
        }
        HistoryEntry last = history.get(0);
        if (RolledBack.idleRedeployedSince(state, last.switchedAt())) {
            return; // a new release was deployed there since the last switch
        }
        throw new RefusedException(
                "not switching to " + state.idleColor() + " without its name: " + state.liveColor()
                        + " went live at " + last.switchedAt()
                        + (last.approvedBy() == null ? "" : " (approved by " + Printable.line(last.approvedBy()) + ")")
                        + " and " + state.idleColor()
                        + " still holds the release that switch replaced",
                "to go back use rollback; to put " + state.idleColor()
                        + " live on purpose name it (bluegreen switch --to " + state.idleColor()
                        + "; switchTraffic to: '" + state.idleColor() + "')");
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
    SwitchResult switchAndFollow(
            AppState state, Color target, String action, String approvedBy, String buildUrl, Duration scaleDownDelay) {
        return switchAndFollow(state, target, action, approvedBy, buildUrl, null, scaleDownDelay, null);
    }

    /**
     * As above, with a reason in its history entry (an auto-revert's), and held to an approved revision when
     * {@code guard} is given ({@link ApprovedRevisionGuard}).
     */
    SwitchResult switchAndFollow(
            AppState state,
            Color target,
            String action,
            String approvedBy,
            String buildUrl,
            String reason,
            Duration scaleDownDelay,
            ApprovedRevisionGuard guard) {
        ServiceSelectorWrite.Outcome outcome = new ServiceSelectorWrite(context)
                .write(state, target, new TrafficChange(action, approvedBy, buildUrl, reason, guard));
        if (!outcome.written()) {
            String revision = state.deployment(target)
                    .map(d -> Labels.annotation(d, StateKeys.REVISION))
                    .orElse(null);
            return new SwitchResult(
                    state.app(),
                    state.serviceName(),
                    target,
                    target,
                    revision,
                    SwitchResult.Outcome.ALREADY_LIVE,
                    null,
                    null,
                    null);
        }
        return new SwitchFollowUps(context).after(state, target, outcome, scaleDownDelay);
    }
}
