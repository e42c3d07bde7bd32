package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * Scaling the old colour down after a switch, designed for callers that cannot block or may restart: the switch
 * only records {@code scale-down-at} on the old Deployment; whoever comes by later ({@link #ifDue}, from any
 * process) does it once due. Every check re-reads the Service and never scales the colour that serves traffic;
 * the Deployment write is guarded, so a deploy that replaced the schedule meanwhile wins. The replica count is
 * remembered on the Deployment so a rollback can scale it back up.
 */
final class ScaleDown {
    private final EngineContext context;

    ScaleDown(EngineContext context) {
        this.context = context;
    }

    /**
     * Records when {@code color} becomes due; zero delay keeps it running (and drops any older schedule).
     * {@code known} is the Deployment as the caller just read it (or null), so the write needs no read first.
     */
    Instant schedule(String app, Color color, Duration delay, Deployment known) {
        Instant due = delay.isZero() ? null : context.clock().instant().plus(delay);
        if (known == null) {
            return scheduleUnread(app, color, due);
        }
        context.cluster().editDeployment(context.settings().deploymentName(app, color), known, d -> {
            Map<String, String> annotations = DeploymentAnnotations.copyOf(d);
            String wanted = due == null ? null : due.toString();
            if (Objects.equals(annotations.get(StateKeys.SCALE_DOWN_AT), wanted)) {
                return Optional.empty();
            }
            if (wanted == null) {
                annotations.remove(StateKeys.SCALE_DOWN_AT);
            } else {
                annotations.put(StateKeys.SCALE_DOWN_AT, wanted);
            }
            return Optional.of(DeploymentAnnotations.with(d, annotations));
        });
        if (due != null) {
            context.listener()
                    .info(context.settings().deploymentName(app, color) + " will be scaled down at " + due
                            + " (kept for a fast rollback until then)");
        }
        return due;
    }

    /**
     * {@link #schedule} for a colour the caller did not read (a switch reads only the colour it switches to): a merge
     * patch that sets {@code scale-down-at}, one request and no read. It needs no guard: the colour just stopped
     * serving; a switch still holds the deploy lock, so no deploy of ours can be replacing it, and a rollback without
     * the lock ({@link FastRollback}) may meet a deploy that announced itself after the rollback's write — if this
     * patch lands after that deploy's write, {@link #ifDue} drops it without scaling (the release was deployed after
     * the last traffic change). Whatever else happens to the colour later, {@link #ifDue} re-reads the Service and
     * never scales a colour that serves traffic. With zero delay (keep it running) there is nothing to write: a colour
     * that was live carries no schedule.
     */
    private Instant scheduleUnread(String app, Color color, Instant due) {
        if (due == null) {
            return null;
        }
        String name = context.settings().deploymentName(app, color);
        String patch = new JsonPatchOps.Merge()
                .annotation(StateKeys.SCALE_DOWN_AT, due.toString())
                .toString();
        Deployment named = new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(context.namespace())
                .endMetadata()
                .build();
        if (context.cluster()
                .patch(named, PatchType.JSON_MERGE, patch, d -> due.toString()
                        .equals(Labels.annotation(d, StateKeys.SCALE_DOWN_AT)))
                .isEmpty()) {
            context.listener().info(name + " does not exist; no scale-down to schedule");
            return null;
        }
        context.listener().info(name + " will be scaled down at " + due + " (kept for a fast rollback until then)");
        return due;
    }

    /** Drops a pending schedule, e.g. from a colour that becomes live again; {@code known} as for {@link #schedule}. */
    void cancel(String app, Color color, Deployment known) {
        context.cluster().editDeployment(context.settings().deploymentName(app, color), known, d -> {
            Map<String, String> annotations = DeploymentAnnotations.copyOf(d);
            if (annotations.remove(StateKeys.SCALE_DOWN_AT) == null) {
                return Optional.empty();
            }
            return Optional.of(DeploymentAnnotations.with(d, annotations));
        });
    }

    ScaleDownResult ifDue(String app) {
        AppState state = AppState.read(context, app, null).requireAdopted();
        for (Color color : Color.values()) {
            Optional<Deployment> deployment = state.deployment(color);
            Instant due = deployment
                    .map(d -> new DeploymentView(d).instantAnnotation(StateKeys.SCALE_DOWN_AT))
                    .orElse(null);
            if (due == null) {
                continue;
            }
            String name = deployment.get().getMetadata().getName();
            if (color == state.liveColor()) {
                cancel(app, color, deployment.get());
                context.listener().info(name + " serves traffic again; its scheduled scale-down was dropped");
                return new ScaleDownResult(app, ScaleDownResult.Outcome.SKIPPED_LIVE, color, name, due, 0);
            }
            if (deployedSinceLastTrafficChange(state, deployment.get())) {
                // a release waiting for its switch never carries a schedule of ours (a deploy drops it): this one is a
                // late follow-up of a switch or rollback that landed after the deploy — not a reason to scale it
                cancel(app, color, deployment.get());
                context.listener()
                        .info(name + " holds a release deployed after the last traffic change; the "
                                + "scale-down scheduled on it before that deploy was dropped, never scaled");
                continue;
            }
            if (context.clock().instant().isBefore(due)) {
                return new ScaleDownResult(app, ScaleDownResult.Outcome.NOT_DUE, color, name, due, 0);
            }
            return scaleDown(state, color, deployment.get(), due);
        }
        return new ScaleDownResult(app, ScaleDownResult.Outcome.NOTHING_SCHEDULED, null, null, null, 0);
    }

    /**
     * As {@link Rollback} tells a release that never went live: deployed after the newest history entry. Also how a
     * deploy tells the rollback target from a new release, and abandon a new release from the previous one.
     */
    static boolean deployedSinceLastTrafficChange(AppState state, Deployment deployment) {
        Instant deployedAt = new DeploymentView(deployment).instantAnnotation(StateKeys.DEPLOYED_AT);
        HistoryEntry head = ServiceHistory.head(state.service());
        return deployedAt != null && head != null && head.switchedAt() != null && deployedAt.isAfter(head.switchedAt());
    }

    /**
     * Completes once the scale-down has been decided. Cancelling the returned future stops it: every timer step
     * checks it first, so a cancelled wait (a stopped build, an embedding tool shutting down) never scales later.
     */
    CompletableFuture<ScaleDownResult> whenDue(String app) {
        if (context.planThen("when the old colour's scale-down is due, scale it to 0 replicas (its count is kept "
                + "for a rollback)")) {
            // a dry run scheduled nothing, so there is nothing to wait for
            return CompletableFuture.completedFuture(
                    new ScaleDownResult(app, ScaleDownResult.Outcome.NOTHING_SCHEDULED, null, null, null, 0));
        }
        CompletableFuture<ScaleDownResult> outcome = new CompletableFuture<>();
        lookWhenDue(app, outcome, context.executor());
        return outcome;
    }

    private void lookWhenDue(String app, CompletableFuture<ScaleDownResult> outcome, Executor executor) {
        executor.execute(() -> {
            if (outcome.isDone()) {
                return;
            }
            try {
                ScaleDownResult result = ifDue(app);
                if (result.outcome() != ScaleDownResult.Outcome.NOT_DUE) {
                    outcome.complete(result);
                    return;
                }
                long millis = Math.max(
                                0,
                                Duration.between(context.clock().instant(), result.due())
                                        .toMillis())
                        + 1;
                // a timer, not a sleeping thread; then look again, since anything may have changed meanwhile
                lookWhenDue(
                        app,
                        outcome,
                        CompletableFuture.delayedExecutor(millis, TimeUnit.MILLISECONDS, context.executor()));
            } catch (RuntimeException | Error failure) {
                outcome.completeExceptionally(failure);
            }
        });
    }

    private ScaleDownResult scaleDown(AppState state, Color color, Deployment known, Instant due) {
        String name = known.getMetadata().getName();
        Optional<Deployment> written = context.cluster().editDeployment(name, known, d -> {
            Map<String, String> annotations = DeploymentAnnotations.copyOf(d);
            if (!due.toString().equals(annotations.get(StateKeys.SCALE_DOWN_AT))) {
                return Optional.empty(); // re-deployed or rescheduled meanwhile: not ours to scale any more
            }
            annotations.remove(StateKeys.SCALE_DOWN_AT);
            annotations.put(
                    StateKeys.REPLICAS_BEFORE_SCALE_DOWN, Integer.toString(new DeploymentView(d).desiredReplicas()));
            Deployment scaled = DeploymentAnnotations.with(d, annotations);
            scaled.getSpec().setReplicas(0);
            return Optional.of(scaled);
        });
        if (written.isEmpty() || new DeploymentView(written.get()).desiredReplicas() != 0) {
            return new ScaleDownResult(state.app(), ScaleDownResult.Outcome.NOTHING_SCHEDULED, null, null, null, 0);
        }
        // as recorded by the write: ours, or a concurrent scale-down's that won the race (the count restored below)
        int before = new DeploymentView(written.get()).rememberedReplicas();
        // the Service was read before the write; if a switch to this colour slipped in between, undo at once (only
        // the Service can tell, so only the Service is read again). The engine's own switches cannot slip in — they
        // claim their target first (ServiceSelectorWrite#claimTarget) — but one made by hand with kubectl can.
        Color liveNow;
        try {
            liveNow = liveColorNow(state);
        } catch (BlueGreenException e) {
            // the scale-down is done; failing now would report it as not done
            context.listener()
                    .warn("scaled " + name + " down to 0, but could not read Service " + state.serviceName()
                            + " again to confirm nobody pointed it at " + color + " meanwhile (" + e.getMessage()
                            + ") — check "
                            + "with kubectl -n " + context.namespace() + " get service " + state.serviceName()
                            + " -o jsonpath='{.spec.selector}'");
            return new ScaleDownResult(state.app(), ScaleDownResult.Outcome.SCALED_DOWN, color, name, due, before);
        }
        if (liveNow == color) {
            restore(name, before);
            context.listener()
                    .warn(name + " became live while it was being scaled down; scaled it back to " + before
                            + " replicas");
            return new ScaleDownResult(state.app(), ScaleDownResult.Outcome.SKIPPED_LIVE, color, name, due, before);
        }
        context.listener().info("scaled " + name + " down from " + before + " to 0 replicas (remembered for rollback)");
        return new ScaleDownResult(state.app(), ScaleDownResult.Outcome.SCALED_DOWN, color, name, due, before);
    }

    private Color liveColorNow(AppState state) {
        return context.cluster()
                .service(state.serviceName())
                .map(service -> AppState.analyse(state.app(), service, Map.of(), context.settings())
                        .liveColor())
                .orElse(null);
    }

    /** Scales a colour back to {@code replicas}, dropping the scale-down bookkeeping. */
    Optional<Deployment> restore(String name, int replicas) {
        return context.cluster().editDeployment(name, d -> {
            Map<String, String> annotations = DeploymentAnnotations.copyOf(d);
            annotations.remove(StateKeys.SCALE_DOWN_AT);
            annotations.remove(StateKeys.REPLICAS_BEFORE_SCALE_DOWN);
            Deployment restored = DeploymentAnnotations.with(d, annotations);
            restored.getSpec().setReplicas(replicas);
            return Optional.of(restored);
        });
    }
}
