package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * What follows a Service write that moved traffic, for a switch, a rollback with or without the lock, an auto-revert:
 * schedule the old colour's scale-down, drop any schedule on the new live colour, move a recorded preview Service,
 * retarget the HPA. Traffic has moved, so each failure is a warning saying what it leaves, never a failure of the
 * switch (a pipeline told "failed" would roll back or retry a release that went live); each leaves the safe side.
 */
final class SwitchFollowUps {
    private final EngineContext context;

    SwitchFollowUps(EngineContext context) {
        this.context = context;
    }

    /**
     * What comes after a Service write that moved traffic from {@code state}'s live colour to {@code target}
     * ({@code outcome.before()} holds the copies it decided on).
     */
    SwitchResult after(AppState state, Color target, ServiceSelectorWrite.Outcome outcome, Duration scaleDownDelay) {
        // a re-recorded colour (its record had been lost) moved no traffic: nothing was left to schedule or retarget
        Color from = state.liveColor() == target ? null : state.liveColor();
        String revision = state.deployment(target)
                .map(d -> Labels.annotation(d, StateKeys.REVISION))
                .orElse(null);
        ScaleDown scaleDown = new ScaleDown(context);
        AppState read = outcome.before();
        String targetName = context.settings().deploymentName(state.app(), target);
        followUp(
                "dropping a scale-down scheduled on " + targetName,
                targetName + " may still carry its " + StateKeys.SCALE_DOWN_AT
                        + " annotation; scaleDownIfDue drops it rather than scale a live colour",
                () -> {
                    scaleDown.cancel(
                            state.app(), target, read.deployment(target).orElse(null));
                    return null;
                });
        Instant scaleDownAt = null;
        if (from != null) {
            String fromName = context.settings().deploymentName(state.app(), from);
            // usually the old colour was not read before the switch (it need not be): then it is scheduled by a patch
            // that needs no copy
            Deployment fromCopy = read.seen(from) == AppState.Seen.PRESENT
                    ? read.deployment(from).orElseThrow()
                    : null;
            scaleDownAt = followUp(
                    "scheduling the scale-down of " + fromName,
                    fromName + " keeps running (nothing "
                            + "is scheduled): scale it down by hand when a rollback is no longer wanted",
                    () -> scaleDown.schedule(state.app(), from, scaleDownDelay, fromCopy));
        }
        String preview = state.deployment(target)
                .map(d -> Labels.annotation(d, StateKeys.PREVIEW_SERVICE))
                .orElseGet(() -> PreviewService.recorded(state));
        if (preview != null) {
            // the preview follows the traffic, so it never selects a colour that is about to be scaled down
            followUp("pointing preview Service " + preview + " at " + target, preview + " keeps its selector", () -> {
                new PreviewService(context).pointAt(state, preview, target);
                return null;
            });
        }
        String hpa = Labels.annotation(state.service(), StateKeys.HPA);
        if (hpa != null && from != null) {
            String fromName = context.settings().deploymentName(state.app(), from);
            // the autoscaling follows the traffic: the colour left is kept for a rollback, not scaled by the HPA
            followUp(
                    "retargeting HorizontalPodAutoscaler " + hpa + " to " + targetName,
                    hpa + " still scales " + fromName + ": point its scaleTargetRef at " + targetName + " by hand",
                    () -> {
                        if (!new Autoscaler(context).retarget(hpa, fromName, targetName)) {
                            context.listener()
                                    .warn("HorizontalPodAutoscaler " + hpa + " does not scale " + fromName
                                            + " (gone, or pointed elsewhere by someone): not retargeted to "
                                            + targetName);
                        }
                        return null;
                    });
        }
        return new SwitchResult(
                state.app(),
                state.serviceName(),
                from,
                target,
                revision,
                SwitchResult.Outcome.SWITCHED,
                scaleDownAt,
                preview,
                outcome.recorded());
    }

    /** A step after traffic moved: its failure is reported as a warning saying what it leaves; null then. */
    private <T> T followUp(String doing, String leaves, Supplier<T> step) {
        try {
            return step.get();
        } catch (BlueGreenException e) {
            context.listener()
                    .warn("traffic is switched, but " + doing + " failed (" + e.getMessage() + "): " + leaves);
            return null;
        }
    }
}
