package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Undoes the last release. Which undo is meant follows from the cluster state alone, so a restarted pipeline or a
 * person at a terminal gets the same answer: a release that never went live (the idle colour was deployed after
 * the last traffic change and still runs) is abandoned; otherwise traffic goes back to the previous colour —
 * at once when it still runs, after scaling it up and awaiting it when it was scaled down.
 *
 * <p>Switching back to a colour that still runs is tried first without the deploy lock ({@link FastRollback});
 * everything else — an announced deploy, a colour to scale up, an abandon, a take-over — takes the lock as below.
 */
final class Rollback {
    private final EngineContext context;
    private final DeployLock lock;

    Rollback(EngineContext context, DeployLock lock) {
        this.context = context;
        this.lock = lock;
    }

    /** The rollback, step by step: the lockless way first, else read, decide, lock, undo, release. */
    RollbackResult rollback(App app, RollbackRequest request) {
        InputValidation.holder(request.holder());
        InputValidation.lockWait(request.lockWait());
        InputValidation.timeout(request.timeout());
        InputValidation.approvedBy("approvedBy", request.approvedBy());
        // the usual rollback — the previous colour still runs, no deploy announced — needs no lock: the Service's
        // resourceVersion arbitrates with a deploy (FastRollback, DeployAnnouncement). A take-over is asked for to
        // deal with the lock, so it always goes the locked way.
        if (!request.takeOverLock()) {
            Optional<RollbackResult> fast = new FastRollback(context).tryRollback(app, request);
            if (fast.isPresent()) {
                return fast.get();
            }
        }
        // the locked path: the Service and the idle colour (what a rollback switches back to, or abandons); the live
        // colour only matters for a colour that must be scaled up, and is read then
        Decision decision = decide(
                app,
                AppState.readServiceAndTarget(context, app, request.service(), null)
                        .requireAdopted());
        // decided on the app as it was before another holder let go of the lock (a take-over especially: that holder
        // may just have switched); what was idle then may be live now, so decide again under the lock
        return lock.under(
                ask(app, request, decision),
                decision,
                stale -> decide(
                        app, AppState.read(context, app, request.service()).requireAdopted()),
                (held, decided) ->
                        decided.abandon() ? abandon(held, decided.state()) : switchBack(held, request, decided));
    }

    private RollbackResult abandon(HeldLock held, AppState state) {
        AbandonResult abandoned = new Abandon(context, lock).scaleIdleToZero(held.app(), state);
        held.releaseAfterChange(true);
        return new RollbackResult(
                state.app(),
                RollbackResult.Action.ABANDONED,
                state.liveColor(),
                state.idleColor(),
                "abandoned " + abandoned.deployment() + " before it went live; " + state.liveColor()
                        + " keeps serving");
    }

    private RollbackResult switchBack(HeldLock held, RollbackRequest request, Decision decision) {
        AppState current = decision.state();
        Color live = current.liveColor();
        Color previous = current.idleColor();
        RollbackResult.Action action = RollbackResult.Action.SWITCHED_BACK;
        if (decision.mustScaleUp()) {
            DeploymentView view = new DeploymentView(decision.target());
            int replicas = rememberedReplicas(held.app(), view, current);
            context.listener().info(scaleUpNarration(view, replicas, request.timeout()));
            Deployment restored =
                    new ScaleDown(context).restore(view.name(), replicas).orElseThrow();
            Futures.join(HealthWatch.start(context, current.app(), previous, restored, request.timeout()));
            current = AppState.read(context, held.app(), current.serviceName());
            action = RollbackResult.Action.SCALED_UP_AND_SWITCHED_BACK;
        }
        SwitchResult switched;
        try {
            switched = new SwitchTraffic(context, lock)
                    .switchAndFollow(
                            current,
                            previous,
                            HistoryEntry.ROLLBACK,
                            request.approvedBy(),
                            request.buildUrl(),
                            context.settings().scaleDownDelay());
        } catch (TrafficUnconfirmedException written) {
            held.releaseAfterChange(true);
            throw written;
        }
        held.releaseAfterChange(switched.outcome() == SwitchResult.Outcome.SWITCHED);
        return new RollbackResult(
                held.app().name(),
                action,
                switched.to(),
                live,
                switched.outcome() == SwitchResult.Outcome.SWITCHED
                        ? "traffic is back on " + previous + " (" + switched.revision() + ")"
                        : previous + " was already live");
    }

    /** What the scale-up is about to do, true to the case: scaled to 0, scaled below its count, or not ready yet. */
    static String scaleUpNarration(DeploymentView view, int replicas, Duration timeout) {
        String waiting = " and waiting for it (at most " + DurationText.format(timeout) + ") before switching";
        if (view.desiredReplicas() == 0) {
            return view.name() + " was scaled down to 0; scaling it back to " + replicas + " replicas" + waiting;
        }
        if (view.desiredReplicas() < replicas) {
            return view.name() + " runs " + view.desiredReplicas() + " of its " + replicas + " replicas; scaling it "
                    + "back to " + replicas + waiting;
        }
        return view.name() + " is not ready yet (" + view.incompleteBecause() + "); keeping it at " + replicas
                + " replicas" + waiting;
    }

    /**
     * Which undo the app's state calls for, made before any write.
     *
     * @param abandon     the idle colour holds a release that never went live: scale it down
     * @param target      otherwise the previous colour's Deployment, to switch back to
     * @param mustScaleUp the previous colour was scaled down (or is not fully rolled out): scale up and await first
     */
    private record Decision(AppState state, boolean abandon, Deployment target, boolean mustScaleUp) {}

    /** @throws RefusedException when there is nothing to roll back to */
    private Decision decide(App app, AppState state) {
        state.requireTrustedRecord("not rolling back", context.settings());
        Color idle = state.idleColor();
        IdleContent content = idleContent(state);
        if (content == IdleContent.UNSWITCHED_RELEASE) {
            return new Decision(state, true, null, false);
        }
        Color previous = state.previousColor();
        if (previous == null) {
            throw new RefusedException(
                    "nothing to roll back: Service " + state.serviceName() + " records no previous "
                            + "colour (traffic was never switched)",
                    "nothing to do; to undo a deployed but unswitched release, it must still be running");
        }
        // exactly once: the idle colour holding the release a rollback took out of service is no target for another
        Optional<RolledBack> rolledBack =
                RolledBack.heldByIdle(state, new ServiceSelectorWrite(context).readHistory(state.service()));
        if (rolledBack.isPresent()) {
            throw new RolledBackReleaseException(rolledBack.get().refusal(state, "not rolling back again"));
        }
        if (content == IdleContent.ABANDONED_RELEASE) {
            throw new RefusedException(
                    "nothing to roll back: the previous colour " + idle + " was redeployed with a "
                            + "release that never went live (and was abandoned), so the previous release is gone",
                    "deploy the version you want to run instead");
        }
        // a hand-edited previous-color annotation notwithstanding, the only other colour is the idle one
        Deployment target = state.deployment(idle)
                .orElseThrow(() -> new RefusedException(
                        "nothing to roll back: "
                                + "the previous colour's Deployment " + app.deployment(idle)
                                + " no longer exists",
                        "deploy the version you want instead"));
        DeploymentView view = new DeploymentView(target);
        return new Decision(
                state, false, target, view.desiredReplicas() == 0 || view.belowRemembered() || !view.rolloutComplete());
    }

    /** What the idle colour holds, judged by its deploy time against the last traffic change. */
    private enum IdleContent {
        NOTHING,
        UNSWITCHED_RELEASE,
        ABANDONED_RELEASE,
        PREVIOUS_RELEASE
    }

    private IdleContent idleContent(AppState state) {
        Optional<Deployment> idle = state.deployment(state.idleColor());
        if (idle.isEmpty()) {
            return IdleContent.NOTHING;
        }
        DeploymentView view = new DeploymentView(idle.get());
        Instant deployedAt = view.instantAnnotation(StateKeys.DEPLOYED_AT);
        List<HistoryEntry> history = new ServiceSelectorWrite(context).readHistory(state.service());
        Instant lastSwitch = history.isEmpty() ? null : history.get(0).switchedAt();
        boolean deployedSinceLastSwitch = deployedAt != null && (lastSwitch == null || deployedAt.isAfter(lastSwitch));
        if (!deployedSinceLastSwitch) {
            return IdleContent.PREVIOUS_RELEASE;
        }
        return view.desiredReplicas() > 0 ? IdleContent.UNSWITCHED_RELEASE : IdleContent.ABANDONED_RELEASE;
    }

    private int rememberedReplicas(App app, DeploymentView view, AppState state) {
        String remembered = view.annotation(StateKeys.REPLICAS_BEFORE_SCALE_DOWN);
        try {
            if (remembered != null && Integer.parseInt(remembered) > 0) {
                return Integer.parseInt(remembered);
            }
        } catch (NumberFormatException handEdited) {
            // fall through to the live colour's size
        }
        if (view.desiredReplicas() > 0) {
            return view.desiredReplicas();
        }
        Optional<Deployment> live = state.deployment(state.liveColor());
        if (live.isEmpty()) {
            live = context.cluster().deployment(app.deployment(state.liveColor()));
        }
        return live.map(d -> new DeploymentView(d).desiredReplicas()).orElse(1);
    }

    /**
     * A rollback that will await a rollout renews an own lock rather than use it as is; a short one (an instant switch
     * back, an abandon) uses the stamp on the idle colour when it proves the lock ({@link LockStamp}: the pipeline that
     * deployed it abandons its own release), else takes a free Lease with one patch, else reads it.
     */
    private static LockAsk ask(App app, RollbackRequest request, Decision decision) {
        if (request.takeOverLock()) {
            return LockAsk.of(app, request.holder(), LockAsk.Tenure.TAKE_OVER, null);
        }
        if (decision.mustScaleUp()) {
            return LockAsk.of(app, request.holder(), LockAsk.Tenure.LONG, request.lockWait());
        }
        AppState state = decision.state();
        return LockAsk.of(app, request.holder(), LockAsk.Tenure.SHORT_USUALLY_FREE, request.lockWait())
                .provenBy(state.deployment(state.idleColor()), state.service());
    }
}
