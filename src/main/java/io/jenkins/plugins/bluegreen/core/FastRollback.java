package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Rollback while the previous colour still runs, without the deploy lock: three requests to traffic — read the
 * Service, claim the previous colour with one tested patch, one guarded Service write — then the follow-ups of a
 * switch. Anything unusual returns empty and {@link Rollback}'s locked path decides. Why each step is safe:
 * docs/architecture.md, "Rollback without the lock, step by step".
 */
final class FastRollback {
    private final EngineContext context;

    FastRollback(EngineContext context) {
        this.context = context;
    }

    /** The rollback done, or empty when the locked path must decide (nothing was changed then but the claim). */
    Optional<RollbackResult> tryRollback(App app, RollbackRequest request) {
        BlueGreenSettings settings = context.settings();
        Service service;
        try {
            service = context.cluster()
                    .service(request.service() != null ? request.service() : app.service())
                    .orElse(null);
        } catch (PermissionDeniedException refused) {
            return Optional.empty(); // the locked path's reads tell a missing namespace from RBAC
        }
        if (service == null) {
            return Optional.empty();
        }
        AppState seen = AppState.analyse(app.name(), service, Map.of(), settings);
        if (seen.selectorProblem() != null || seen.liveColor() == null) {
            return Optional.empty();
        }
        String announced = DeployAnnouncement.on(service);
        if (announced != null) {
            context.listener()
                    .info("Service " + seen.serviceName() + " announces a deploy (" + announced
                            + "); this rollback needs the deploy lock, trying to take it");
            return Optional.empty();
        }
        Color live = seen.liveColor();
        Color previous = seen.previousColor();
        List<HistoryEntry> history = historyOf(service);
        // after a rollback the previous colour holds the release rolled back: the locked path refuses that
        if (previous == null
                || previous == live
                || history.isEmpty()
                || history.get(0).color() != live
                || history.get(0).switchedAt() == null
                || history.get(0).undidRelease()) {
            return Optional.empty();
        }
        HistoryEntry lastChange = history.get(0);
        // the revision the history says the previous colour served (none when it went live before the history
        // began, e.g. set up by hand): the claim tests it, so a colour redeployed since is not even touched
        String servedRevision = history.stream()
                .skip(1)
                .filter(e -> e.color() == previous)
                .findFirst()
                .map(HistoryEntry::revision)
                .orElse(null);
        Deployment claimed;
        try {
            claimed = claim(app, previous, servedRevision).orElse(null);
        } catch (UncertainOutcomeException | ClusterUnreachableException | PermissionDeniedException e) {
            // traffic has not moved; whether the schedule was dropped does not matter to the locked path, which reads
            // everything again (and claims with an update of its own)
            context.listener()
                    .info("could not claim " + app.deployment(previous) + " for a rollback " + "without the lock ("
                            + e.getMessage() + "); this rollback needs the deploy lock, trying to take it");
            return Optional.empty();
        }
        if (claimed == null || !switchableAtOnce(claimed, lastChange, seen, request.service() != null)) {
            return Optional.empty();
        }
        AppState state = AppState.analyse(app.name(), service, Map.of(previous, claimed), settings);
        DeploymentView view = new DeploymentView(claimed);
        HistoryEntry entry = HistoryEntry.builder(HistoryEntry.ROLLBACK, previous)
                .revision(view.annotation(StateKeys.REVISION))
                .images(view.images())
                .switchedAt(context.clock().instant())
                .approvedBy(request.approvedBy())
                .buildUrl(request.buildUrl())
                .build();
        Optional<AppState> written;
        try {
            written = writeService(state, previous, entry);
        } catch (BlueGreenException e) {
            if (!(e instanceof ConflictException) && !(e instanceof NotServingException)) { // their messages say it
                context.listener().warn("the rollback's Service write failed" + leftUnscheduled(state, previous));
            }
            throw e;
        }
        if (written.isEmpty()) {
            return Optional.empty();
        }
        SwitchResult switched = new SwitchFollowUps(context)
                .after(
                        written.get(),
                        previous,
                        new ServiceSelectorWrite.Outcome(written.get(), true, entry),
                        settings.scaleDownDelay());
        return Optional.of(new RollbackResult(
                app.name(),
                RollbackResult.Action.SWITCHED_BACK,
                previous,
                live,
                "traffic is back on " + previous + " (" + switched.revision() + ")"));
    }

    /**
     * Step 2: one JSON patch that tests the revision (when known) and drops {@code scale-down-at}. Empty when the
     * Deployment is gone, holds another revision or has no annotations at all (422).
     */
    private Optional<Deployment> claim(App app, Color color, String revision) {
        String name = app.deployment(color);
        String scaleDownAt = JsonPatchOps.annotation(StateKeys.SCALE_DOWN_AT);
        JsonPatchOps ops = new JsonPatchOps();
        if (revision != null) {
            ops.test(JsonPatchOps.annotation(StateKeys.REVISION), revision);
        }
        String patch = ops.add(scaleDownAt, "claimed by a rollback")
                .remove(scaleDownAt)
                .toString();
        Deployment named = new DeploymentBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(context.namespace())
                .endMetadata()
                .build();
        return context.cluster()
                .patch(
                        named,
                        PatchType.JSON,
                        patch,
                        d -> (revision == null || revision.equals(Labels.annotation(d, StateKeys.REVISION)))
                                && Labels.annotation(d, StateKeys.SCALE_DOWN_AT) == null);
    }

    /**
     * The claimed colour can take traffic now: all replicas ready at its current generation, deployed before the last
     * traffic change (else it holds a release that never went live; no deploy time counts as before, as in
     * {@link Rollback}), and belonging to this Service.
     */
    private boolean switchableAtOnce(Deployment claimed, HistoryEntry lastChange, AppState seen, boolean serviceGiven) {
        DeploymentView view = new DeploymentView(claimed);
        Instant deployedAt = view.instantAnnotation(StateKeys.DEPLOYED_AT);
        if (deployedAt != null && deployedAt.isAfter(lastChange.switchedAt())) {
            return false;
        }
        if (view.desiredReplicas() == 0 || view.belowRemembered() || !view.rolloutComplete()) {
            return false;
        }
        String recorded = Labels.annotation(claimed, StateKeys.SERVICE);
        return serviceGiven || recorded == null || recorded.isBlank() || recorded.equals(seen.serviceName());
    }

    /**
     * Step 3, guarded by step 1's resourceVersion. Empty when a deploy announced itself meanwhile.
     *
     * @return the state the write was made on (step 1's, or the re-read after a change of other annotations)
     */
    private Optional<AppState> writeService(AppState state, Color target, HistoryEntry entry) {
        ServiceSelectorWrite write = new ServiceSelectorWrite(context);
        Service first = state.service();
        AppState current = state;
        ApiRetry.LostRaces lost = ApiRetry.Races.LOCKLESS_ROLLBACK.count();
        while (true) {
            try {
                write.writeOnce(current, target, entry);
                return Optional.of(current);
            } catch (StaleObjectException changed) {
                Service now = reRead(current, target);
                if (entry.equals(ServiceHistory.head(now))) {
                    return Optional.of(current); // ours, its answer lost
                }
                if (DeployAnnouncement.on(now) != null) {
                    context.listener()
                            .info("a deploy announced itself on Service " + current.serviceName()
                                    + " while rolling back (" + DeployAnnouncement.on(now)
                                    + "); this rollback needs the deploy "
                                    + "lock, trying to take it");
                    return Optional.empty();
                }
                String trafficChange = trafficChange(current, first, now, target);
                if (trafficChange != null) {
                    throw new ConflictException(trafficChange);
                }
                AppState read = current;
                lost.lost(attempts -> new ConflictException("Service " + read.serviceName() + " kept changing while "
                        + "rolling back to " + target + " (" + attempts + " attempts); nothing was overwritten and "
                        + "traffic still goes to " + state.liveColor() + " — check who else writes it and run status"
                        + leftUnscheduled(read, target)));
                context.listener()
                        .info("Service " + current.serviceName() + " was changed by someone else (not its "
                                + "traffic) while rolling back; writing again on the new version");
                current = AppState.analyse(current.app(), now, current.deployments(), context.settings());
            }
        }
    }

    /** What changed about traffic between {@code first} and {@code now}, as the error to report; null if nothing. */
    private String trafficChange(AppState state, Service first, Service now, Color target) {
        AppState after = AppState.analyse(state.app(), now, Map.of(), context.settings());
        HistoryEntry headBefore = ServiceHistory.head(first);
        HistoryEntry headNow = ServiceHistory.head(now);
        boolean sameSelector =
                Objects.equals(first.getSpec().getSelector(), now.getSpec().getSelector());
        if (sameSelector && Objects.equals(headBefore, headNow)) {
            return null;
        }
        String by = headNow == null
                ? ""
                : ": its newest history entry is a " + headNow.action() + " to "
                        + headNow.color() + " (" + headNow.revision() + ") at " + headNow.switchedAt()
                        + (headNow.approvedBy() == null ? "" : ", approved by " + Printable.line(headNow.approvedBy()))
                        + (headNow.buildUrl() == null ? "" : ", by " + Printable.line(headNow.buildUrl()));
        String selects = after.liveColor() != null
                ? "selects " + after.liveColor()
                : "has selector " + now.getSpec().getSelector();
        return "Service " + state.serviceName() + " was switched by someone else while rolling back to " + target
                + " — it now " + selects + by + ". The rollback did not write it (it never flips traffic twice); run "
                + "status and decide again" + (after.liveColor() == target ? "" : leftUnscheduled(state, target));
    }

    /** What a rollback that claimed {@code target} but did not switch leaves: the idle colour running, unscheduled. */
    private String leftUnscheduled(AppState state, Color target) {
        return "; " + context.settings().deploymentName(state.app(), target) + " was taken out of its pending "
                + "scale-down, if it had one, and keeps running (what a next rollback needs) until the next release "
                + "replaces it";
    }

    private Service reRead(AppState state, Color target) {
        try {
            return context.cluster()
                    .service(state.serviceName())
                    .orElseThrow(() -> new ConflictException(
                            "Service " + state.serviceName() + " was deleted while rolling back to " + target));
        } catch (ClusterUnreachableException e) {
            throw new UncertainOutcomeException(
                    "rolling back Service " + state.serviceName() + " to " + target,
                    "the Service could not be re-read; run `kubectl -n " + context.namespace() + " get service "
                            + state.serviceName() + " -o yaml` and check whether its selector has "
                            + context.settings().colorLabelKey() + "=" + target.label()
                            + " and the newest bluegreen.jenkins.io/history entry is this rollback",
                    e);
        }
    }

    private static List<HistoryEntry> historyOf(Service service) {
        try {
            return new ReleaseHistory().decode(Labels.annotation(service, StateKeys.HISTORY));
        } catch (ReleaseHistory.UnreadableHistoryException unreadable) {
            return List.of();
        }
    }
}
