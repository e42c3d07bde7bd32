package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Gives up a release before its switch: the idle colour is scaled to zero (kept, so its spec stays inspectable),
 * live traffic and the live colour are not touched. Needs the lock, because abandoning someone else's release
 * in flight would pull the rug from under their pipeline.
 */
final class Abandon {
    private final EngineContext context;
    private final DeployLock lock;

    Abandon(EngineContext context, DeployLock lock) {
        this.context = context;
        this.lock = lock;
    }

    AbandonResult abandon(App app, String holder) {
        InputValidation.holder(holder);
        AppState state = readNewRelease(app);
        // the pipeline that deployed the idle colour usually abandons it: its stamp proves the lock (LockStamp)
        LockAsk ask = LockAsk.of(app, holder, LockAsk.Tenure.SHORT, Duration.ZERO)
                .provenBy(state.deployment(state.idleColor()), state.service());
        // read again after another holder let go: the idle colour then may be the live one now
        return lock.under(ask, state, stale -> readNewRelease(app), (held, current) -> {
            AbandonResult result = scaleIdleToZero(app, current);
            held.releaseAfterChange(true); // the stamp went in the scale-down's own write
            return result;
        });
    }

    private AppState readNewRelease(App app) {
        AppState state = AppState.read(context, app, null).requireAdopted();
        refuseUnlessNewRelease(state);
        return state;
    }

    /**
     * Abandon throws away a new release, never the previous one: a running idle colour deployed before the last traffic
     * change is what a rollback goes back to (or the release a rollback took out of service), not new.
     */
    private void refuseUnlessNewRelease(AppState state) {
        Deployment idle = state.deployment(state.idleColor()).orElse(null);
        if (idle == null || new DeploymentView(idle).desiredReplicas() == 0) {
            return;
        }
        state.requireTrustedRecord("not abandoning " + idle.getMetadata().getName(), context.settings());
        if (ServiceHistory.head(state.service()) == null || ScaleDown.deployedSinceLastTrafficChange(state, idle)) {
            return;
        }
        throw new BlueGreenException(
                "nothing to abandon: " + idle.getMetadata().getName() + " holds a release that was "
                        + "deployed before the last traffic change (what a rollback goes back to, or the release a rollback "
                        + "took out of service), not a new one; nothing was changed and " + state.liveColor()
                        + " keeps serving. To undo the last switch, roll back");
    }

    /** For a caller that validated and holds the lock. */
    AbandonResult scaleIdleToZero(App app, AppState state) {
        Color idle = state.idleColor();
        String name = app.deployment(idle);
        DeploymentEdit edit = context.cluster()
                .edit(name, state.deployment(idle).orElse(null), d -> {
                    Map<String, String> annotations = DeploymentAnnotations.copyOf(d);
                    boolean scheduled = annotations.remove(StateKeys.SCALE_DOWN_AT) != null;
                    // the lock stamp goes too: the lock is released next, and a stamp must not outlive its tenure
                    // (LockStamp)
                    boolean stamped = annotations.remove(StateKeys.LOCK) != null;
                    if (new DeploymentView(d).desiredReplicas() == 0 && !scheduled && !stamped) {
                        return Optional.empty();
                    }
                    Deployment scaled = DeploymentAnnotations.with(d, annotations);
                    scaled.getSpec().setReplicas(0);
                    return Optional.of(scaled);
                });
        int before = edit.decidedOn() == null ? 0 : new DeploymentView(edit.decidedOn()).desiredReplicas();
        if (edit.decidedOn() == null) {
            context.listener().info("nothing to abandon: " + name + " does not exist");
        } else {
            context.listener()
                    .info("abandoned " + name + " (scaled from " + before + " to 0); " + state.liveColor()
                            + " still serves traffic, untouched");
        }
        // the release is gone, so is its announcement (kept until now: a rollback meanwhile takes the lock)
        new DeployAnnouncement(context).clear(state.service());
        String preview = PreviewService.recorded(state);
        if (preview != null) {
            try {
                // a preview left on the abandoned colour would select no pods: it shows the live colour instead
                new PreviewService(context).moveOff(state, preview, idle, state.liveColor());
            } catch (BlueGreenException e) {
                context.listener()
                        .warn("preview Service " + preview + " could not be moved off the abandoned " + idle + " ("
                                + e.getMessage() + "); it selects no pods until the next deploy is healthy");
            }
        }
        String hpa = Labels.annotation(state.service(), StateKeys.HPA);
        if (hpa != null) {
            try {
                // an HPA that was pointed at the abandoned colour by hand (or a lost follow-up) goes back to live
                new Autoscaler(context).retarget(hpa, name, app.deployment(state.liveColor()));
            } catch (BlueGreenException e) {
                context.listener()
                        .warn("HorizontalPodAutoscaler " + hpa + " could not be checked (" + e.getMessage() + ")");
            }
        }
        return new AbandonResult(state.app(), state.liveColor(), idle, name, before);
    }
}
