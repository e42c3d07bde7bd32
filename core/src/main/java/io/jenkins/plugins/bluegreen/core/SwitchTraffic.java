package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.time.Instant;

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
        InputValidation.app(request.app(), context.settings());
        InputValidation.holder(request.holder());
        InputValidation.lockWait(request.lockWait());
        InputValidation.scaleDownDelay(request.scaleDownDelay());
        AppState state = AppState.read(context, request.app(), request.service()).requireAdopted();
        Color target = request.to() != null ? request.to() : state.idleColor();
        if (target == state.liveColor()) {
            context.listener().info("Service " + state.serviceName() + " already selects " + target + "; nothing to do");
            lock.release(request.app(), request.holder());
            return new SwitchResult(request.app(), state.serviceName(), target, target,
                    state.deployment(target).map(d -> Labels.annotation(d, StateKeys.REVISION)).orElse(null),
                    SwitchResult.Outcome.ALREADY_LIVE, null, null, null);
        }
        ServiceSelectorWrite selectorWrite = new ServiceSelectorWrite(context);
        selectorWrite.preflight(state, target, false);

        // usually the deploy's own lock, still fresh: then this is one read and the release below one write
        DeployLock.Held held = lock.holdBriefly(request.app(), request.holder(), request.lockWait());
        if (held.contended()) {
            // read before another holder let go of the lock: the target may have been redeployed or scaled down
            // meanwhile without the Service changing, and a guarded Service write would not notice
            try {
                state = AppState.read(context, request.app(), request.service()).requireAdopted();
                target = request.to() != null ? request.to() : state.idleColor();
                if (target != state.liveColor()) {
                    selectorWrite.preflight(state, target, false);
                }
            } catch (RuntimeException e) {
                lock.release(held);
                throw e;
            }
        }
        Duration delay = request.scaleDownDelay() != null ? request.scaleDownDelay()
                : context.settings().scaleDownDelay();
        SwitchResult result = switchAndFollow(state, target, HistoryEntry.SWITCH, request.approvedBy(),
                request.buildUrl(), delay);
        lock.release(held);
        return result;
    }

    /**
     * The write and its follow-ups, for a caller that validated and holds the lock. The follow-ups decide on the
     * Deployments as {@code state} read them (the writes are guarded, so a stale copy is refused and re-read), which
     * keeps the switch at one read of each object.
     */
    SwitchResult switchAndFollow(AppState state, Color target, String action, String approvedBy, String buildUrl,
                                 Duration scaleDownDelay) {
        Color from = state.liveColor();
        ServiceSelectorWrite.Outcome outcome = new ServiceSelectorWrite(context)
                .write(state, target, action, approvedBy, buildUrl);
        String revision = state.deployment(target).map(d -> Labels.annotation(d, StateKeys.REVISION)).orElse(null);
        if (!outcome.written()) {
            return new SwitchResult(state.app(), state.serviceName(), target, target, revision,
                    SwitchResult.Outcome.ALREADY_LIVE, null, null, null);
        }
        ScaleDown scaleDown = new ScaleDown(context);
        AppState read = outcome.before();
        scaleDown.cancel(state.app(), target, read.deployment(target).orElse(null));
        Instant scaleDownAt = from == null ? null
                : scaleDown.schedule(state.app(), from, scaleDownDelay, read.deployment(from).orElse(null));
        String preview = state.deployment(target).map(d -> Labels.annotation(d, StateKeys.PREVIEW_SERVICE)).orElse(null);
        if (preview != null) {
            // the preview follows the traffic, so it never selects a colour that is about to be scaled down
            new PreviewService(context).pointAt(state, preview, target);
        }
        return new SwitchResult(state.app(), state.serviceName(), from, target, revision,
                SwitchResult.Outcome.SWITCHED, scaleDownAt, preview, outcome.recorded());
    }
}
