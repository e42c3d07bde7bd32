package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The one write that moves traffic: the live Service's colour selector together with the {@code active-color},
 * {@code previous-color} and {@code history} annotations, as a single update guarded by the resourceVersion that
 * was read, verified on the object the API server answers with (what it stored). A lost race (409) is never retried blindly: the Service is read again and the decision made again —
 * the target may be live already (someone else switched: say so), or no longer ready (refuse). Switch, rollback
 * and adoption all go through here, so the invariants live in one place.
 */
final class ServiceSelectorWrite {
    /** @param recorded the history entry written, or null when nothing was written */
    record Outcome(AppState before, boolean written, HistoryEntry recorded) {}

    private final EngineContext context;
    private final ReleaseHistory history = new ReleaseHistory();

    ServiceSelectorWrite(EngineContext context) {
        this.context = context;
    }

    /**
     * Points the Service at {@code target}, recording {@code change} (and keeping to its approved revision, if any).
     * {@code state} is the read the caller already validated; later attempts re-read.
     */
    Outcome write(AppState state, Color target, TrafficChange change) {
        ApprovedRevisionGuard guard = change.guard();
        HistoryEntry ours = null;
        AppState current = state;
        ApiRetry.LostRaces lost = ApiRetry.Races.SERVICE_WRITE.count();
        while (true) {
            int attempt = lost.attempt();
            if (current.liveColor() == target && (current.recordProblem() == null || ours != null)) {
                boolean oursLanded = ours != null && ours.equals(ServiceHistory.head(current.service()));
                if (!oursLanded) {
                    boolean repaired = ensureServing(current, target);
                    context.listener()
                            .info("Service " + current.serviceName() + " already selects " + target
                                    + (attempt > 1 ? " — someone else switched it meanwhile" : "")
                                    + (repaired
                                            ? "; its stray selector keys were removed, so it reaches " + target
                                                    + "'s pods again"
                                            : "; nothing to do"));
                }
                return new Outcome(current, oursLanded, oursLanded ? ours : null);
            }
            // before anything is written, the target's scale-down claim included
            ApprovedRevisionGuard.Checked checked = guard == null ? null : guard.check(current, target);
            // claimed (or found unscheduled) before the preflight, so the preflight judges the copy the race decided
            AppState claimed = claimTarget(current, target);
            boolean claimRaced = claimed != current;
            current = claimed;
            Deployment targetDeployment = preflight(current, target, attempt > 1 || claimRaced);
            HistoryEntry entry = change.entry(
                    target,
                    new DeploymentView(targetDeployment),
                    context.clock().instant(),
                    checked != null);
            ours = entry;
            try {
                writeOnce(current, target, entry, guard, checked);
                return new Outcome(current, true, entry);
            } catch (StaleObjectException lostRace) {
                String serviceName = current.serviceName();
                lost.lost(attempts -> new ConflictException("Service " + serviceName + " kept changing while switching "
                        + "to " + target + " (" + attempts
                        + " attempts); nothing was overwritten — check who else writes "
                        + "it and run status"));
                context.listener()
                        .info("Service " + current.serviceName() + " was changed by someone else while "
                                + "switching; re-reading to decide again");
                current = reReadAfterWrite(current, target);
                boolean keyLost = current.selectorProblem() instanceof ColourKeyLostException;
                if ((current.selectorProblem() != null && !keyLost)
                        || (current.liveColor() == null && !keyLost && !HistoryEntry.ADOPT.equals(change.action()))) {
                    throw new ConflictException("Service " + current.serviceName() + " was changed by someone else to "
                            + "selector " + current.selector() + " while switching to " + target + "; nothing was "
                            + "overwritten — check the Service and run status");
                }
            }
        }
    }

    /**
     * One guarded update of the Service {@code state} read, pointing it at {@code target} with {@code entry} at the
     * head of its history, verified on the answer. For a caller that checked the target and handles the lost race.
     *
     * @throws StaleObjectException when the Service changed since {@code state} was read
     */
    Service writeOnce(AppState state, Color target, HistoryEntry entry) {
        return writeOnce(state, target, entry, null, null);
    }

    private Service writeOnce(
            AppState state,
            Color target,
            HistoryEntry entry,
            ApprovedRevisionGuard guard,
            ApprovedRevisionGuard.Checked checked) {
        Service written =
                context.cluster().update(switched(state, target, entry), s -> entry.equals(ServiceHistory.head(s)));
        verify(written, target, entry);
        if (checked != null) {
            guard.changedSince(checked).ifPresent(change -> undo(state, target, written, guard, checked, change));
        }
        warnStrayKeys(state, target);
        context.listener()
                .info("Service " + state.serviceName() + " now selects " + target
                        + (state.liveColor() == null ? "" : " (was " + state.liveColor() + ")"));
        try {
            confirmServing(state, target, true);
        } catch (NotServingException notServing) {
            throw unconfirmed(state, target, entry, notServing);
        }
        return written;
    }

    /**
     * Not reverted on purpose: the write is recorded and the colour left may serve no better (scaled down, or the same
     * stray key), and a second unconfirmed write would leave two unknowns. The person gets where traffic is and the
     * exact command back; the caller releases the lock so that command is not kept waiting.
     */
    private TrafficUnconfirmedException unconfirmed(
            AppState state, Color target, HistoryEntry entry, NotServingException cause) {
        Color before = state.liveColor();
        String back = before == null || before == target
                ? "run `bluegreen status --app " + state.app() + "` and "
                        + "name the colour that should serve: bluegreen switch --app " + state.app() + " --to <colour>"
                : "to put traffic back on " + before + ": bluegreen switch --app " + state.app() + " --to " + before
                        + (HistoryEntry.SWITCH.equals(entry.action())
                                ? " (or bluegreen rollback --app " + state.app() + ", instant while " + before
                                        + " runs)"
                                : "");
        return new TrafficUnconfirmedException(
                state.serviceName(),
                target,
                "traffic moved but is not confirmed: "
                        + "Service " + state.serviceName() + " now selects " + target
                        + " (written and recorded as this "
                        + entry.action() + (before == null ? "" : "; it selected " + before + " before")
                        + "), so users get "
                        + "whatever " + target + "'s endpoints give — " + cause.getMessage()
                        + ". Nothing was reverted; "
                        + back + " — the deploy lock was released, so it can run at once");
    }

    /**
     * The target changed between the guard's check and our write (or just after it): the Service goes back to exactly
     * what it was — selector, active colour, history — by an update guarded by the resourceVersion our write produced,
     * so nothing written by someone else since is overwritten. The target's new pods are not ready in the
     * milliseconds this takes, so users kept reaching the approved revision's pods throughout.
     */
    private void undo(
            AppState state,
            Color target,
            Service written,
            ApprovedRevisionGuard guard,
            ApprovedRevisionGuard.Checked checked,
            String change) {
        Service restore = new ServiceBuilder(state.service())
                .editMetadata()
                .withResourceVersion(written.getMetadata().getResourceVersion())
                .endMetadata()
                .build();
        Map<String, String> selector = state.selector();
        try {
            context.cluster()
                    .update(restore, s -> Objects.equals(selector, s.getSpec().getSelector()));
        } catch (StaleObjectException | ClusterUnreachableException e) {
            throw new UncertainOutcomeException(
                    "switching Service " + state.serviceName() + " to " + target + " (" + checked.deployment()
                            + " changed while the switch was written: " + change + ")",
                    "it was switched to " + target + " and could not be put back to " + state.liveColor() + " ("
                            + e.getMessage() + "); run `bluegreen status --app " + state.app() + "` and roll back if "
                            + target + " is live",
                    e);
        }
        context.listener()
                .warn(checked.deployment() + " changed while traffic was being switched to it (" + change
                        + "); Service " + state.serviceName() + " was put back to " + state.liveColor() + " at once");
        throw guard.refusal(state.app(), target, checked.deployment(), null, change);
    }

    /**
     * The Service already selects {@code target}: makes sure users get its ready pods. Stray keys (version keys a
     * re-applied manifest put back) are removed by a guarded update that changes nothing else — no history entry, the
     * colour does not change; a key the colour's pods lack is reported; then the endpoints are confirmed.
     *
     * @return whether stray keys had to be removed (users got none of {@code target}'s pods before)
     * @throws NotServingException when the Service does not reach {@code target}'s ready pods
     */
    boolean ensureServing(AppState state, Color target) {
        boolean repaired = false;
        AppState current = withTarget(state, target);
        ApiRetry.LostRaces lost = ApiRetry.Races.SERVICE_WRITE.count();
        while (true) {
            Map<String, String> owned = ownedSelector(current, target);
            String mismatch = mismatch(current, target, owned);
            if (mismatch != null) {
                throw new NotServingException(
                        current.serviceName(),
                        target,
                        "Service " + current.serviceName()
                                + " selects " + target + " but " + mismatch
                                + ", so users reach none of its pods — remove the "
                                + "key from the Service's manifest (docs/steps.md) or label " + target
                                + "'s pods with it");
            }
            if (owned.equals(current.selector())) {
                break;
            }
            Service repairedService = new ServiceBuilder(current.service())
                    .editSpec()
                    .withSelector(owned)
                    .endSpec()
                    .build();
            try {
                context.cluster()
                        .update(repairedService, s -> owned.equals(s.getSpec().getSelector()));
                warnStrayKeys(current, target);
                repaired = true;
                break;
            } catch (StaleObjectException changed) {
                String serviceName = current.serviceName();
                lost.lost(attempts -> new ConflictException("Service " + serviceName + " kept changing while removing "
                        + "its stray selector keys; nothing was overwritten — run status"));
                current = withTarget(AppState.read(context, current.app(), current.serviceName()), target);
                if (current.liveColor() != target) {
                    throw new ConflictException("Service " + current.serviceName() + " was switched by someone else to "
                            + current.liveColor() + " while its selector was being repaired; nothing was overwritten");
                }
            }
        }
        confirmServing(current, target, repaired);
        return repaired;
    }

    /** The state with {@code target}'s Deployment in it, read when the caller's read did not include it. */
    private AppState withTarget(AppState state, Color target) {
        if (state.deployment(target).isPresent()) {
            return state;
        }
        Map<Color, Deployment> deployments = new EnumMap<>(Color.class);
        deployments.putAll(state.deployments());
        context.cluster()
                .deployment(context.settings().deploymentName(state.app(), target))
                .ifPresent(d -> deployments.put(target, d));
        return state.withDeployments(deployments);
    }

    /** Waits until the Service's endpoints are {@code target}'s pods, at least its desired number ready. */
    private void confirmServing(AppState state, Color target, boolean written) {
        int desired = state.deployment(target)
                .map(d -> new DeploymentView(d).desiredReplicas())
                .orElse(1);
        if (written
                && context.planThen("confirm that Service " + state.serviceName() + "'s endpoints are exactly "
                        + target + "'s pods, " + desired + " ready (timeout "
                        + DurationText.format(context.settings().endpointsTimeout()) + ")")) {
            return; // a dry run: the selector did not move
        }
        ServingStatus serving;
        try {
            serving = new ServiceEndpoints(context).confirm(state, target, desired);
        } catch (NotServingException | PermissionDeniedException known) {
            throw known;
        } catch (BlueGreenException unread) {
            if (!written) {
                throw unread;
            }
            // the write is done and recorded; only what users get is unknown — not "not done"
            throw new UncertainOutcomeException(
                    "confirming that Service " + state.serviceName() + " reaches " + target + "'s ready pods",
                    "its selector was written (" + target + ") and recorded, but its "
                            + "EndpointSlices could not be read (" + unread.getMessage() + "); run `kubectl -n "
                            + context.namespace() + " get endpointslices -l " + Labels.SERVICE_NAME + "="
                            + state.serviceName() + "` and check that they list " + target + "'s pods, ready",
                    unread);
        }
        context.listener()
                .info("Service " + state.serviceName() + " reaches " + serving.ready(target) + " ready pods of "
                        + target);
    }

    /**
     * The selector the engine writes for {@code target}: the app's stable selector (no colour, no version keys) plus
     * the colour. Every other key of the Service's selector is a stray and is dropped by the write.
     */
    Map<String, String> ownedSelector(AppState state, Color target) {
        Map<String, String> selector = new LinkedHashMap<>(state.stableSelector());
        selector.put(context.settings().colorLabelKey(), target.label());
        return selector;
    }

    /** The first key of {@code owned} that {@code target}'s pod template lacks, as a sentence; null if none. */
    private String mismatch(AppState state, Color target, Map<String, String> owned) {
        return ServiceEndpoints.mismatch(owned, state.deployment(target).orElse(null), target);
    }

    private void warnStrayKeys(AppState state, Color target) {
        Map<String, String> owned = ownedSelector(state, target);
        Map<String, String> stray = new LinkedHashMap<>(state.selector() == null ? Map.of() : state.selector());
        stray.keySet().removeIf(k -> owned.containsKey(k));
        if (!stray.isEmpty()) {
            StringBuilder keys = new StringBuilder();
            stray.forEach((k, v) -> keys.append(keys.length() == 0 ? "" : ", ")
                    .append(k)
                    .append('=')
                    .append(v));
            context.listener()
                    .warn("removed stray selector key " + keys + " from Service " + state.serviceName()
                            + " (a version key pins the Service to one release's pods; blue-green owns the selector): remove "
                            + "it from the Service manifest you apply, whose selector should be only "
                            + state.stableSelector());
        }
    }

    /**
     * Takes the target out of a pending scale-down before the Service is pointed at it. {@link ScaleDown} only scales
     * a Deployment that carries {@code scale-down-at}, with a write guarded by the resourceVersion it read, and it does
     * not take the lock (it runs from any process, whenever it comes by). So dropping the annotation with a guarded
     * write of our own decides the race with a scale-down that is due right now: either its write lands first — ours
     * is refused, we read the target scaled to 0 and the preflight refuses the switch — or ours does, and its write is
     * refused and it finds nothing scheduled. Without this, a scale-down landing between our read of the target and
     * our Service write left the Service selecting a colour with no pods (ScaleDown's undo came after, and slowly).
     *
     * @return {@code state} itself when the target has nothing scheduled; otherwise the state with the target as the
     *         claim left it (the preflight must judge that copy, and the follow-ups then need not write it again)
     */
    private AppState claimTarget(AppState state, Color target) {
        Deployment known = state.deployment(target).orElse(null);
        if (known == null || Labels.annotation(known, StateKeys.SCALE_DOWN_AT) == null) {
            return state;
        }
        String name = known.getMetadata().getName();
        DeploymentEdit claim = context.cluster().edit(name, known, d -> {
            Map<String, String> annotations = DeploymentAnnotations.copyOf(d);
            // without the annotation a scale-down got there first (or a deploy replaced it): judge it as it is
            return annotations.remove(StateKeys.SCALE_DOWN_AT) != null
                    ? Optional.of(DeploymentAnnotations.with(d, annotations))
                    : Optional.empty();
        });
        Deployment claimed = claim.current().orElse(null);
        if (claim.wasWritten()) {
            context.listener().info("dropped the scheduled scale-down of " + name + " before switching traffic to it");
        }
        Map<Color, Deployment> deployments = new EnumMap<>(Color.class);
        deployments.putAll(state.deployments());
        if (claimed == null) {
            deployments.remove(target);
        } else {
            deployments.put(target, claimed);
        }
        return state.withDeployments(deployments);
    }

    /**
     * After a write was sent, failing to read is not "nothing changed": a transport may have retried the request
     * after it was applied, so the honest answer is "uncertain" plus what to look at.
     */
    private AppState reReadAfterWrite(AppState state, Color target) {
        try {
            return AppState.read(context, state.app(), state.serviceName());
        } catch (ClusterUnreachableException e) {
            throw new UncertainOutcomeException(
                    "switching Service " + state.serviceName() + " to " + target,
                    "the Service could not be re-read; run `kubectl -n " + context.namespace() + " get service "
                            + state.serviceName() + " -o yaml` and check whether its selector has "
                            + context.settings().colorLabelKey() + "=" + target.label()
                            + " and the newest bluegreen.jenkins.io/history entry is this switch",
                    e);
        }
    }

    /**
     * The target colour must exist and be fully ready: the live Service never selects a colour without ready pods.
     * On the first attempt this is input validation (nothing written yet); after a lost race it is a conflict.
     */
    Deployment preflight(AppState state, Color target, boolean afterRace) {
        String name = context.settings().deploymentName(state.app(), target);
        Deployment deployment = state.deployment(target).orElse(null);
        String problem = null;
        String fix = "deploy it and await it healthy first (bluegreen await)";
        if (deployment == null) {
            problem = "Deployment " + name + " does not exist";
        } else {
            DeploymentView view = new DeploymentView(deployment);
            if (view.desiredReplicas() == 0) {
                problem = "Deployment " + name + " is scaled to 0";
            } else if (!view.rolloutComplete()) {
                problem = "Deployment " + name + " is not ready yet: its rollout is not complete ("
                        + view.incompleteBecause() + ")";
            } else if (view.belowRelease() != null && pendingRelease(state, view)) {
                Integer asked = view.releaseReplicas();
                problem = view.belowRelease();
                fix = "scale it back (kubectl -n " + context.namespace() + " scale deployment " + name + " --replicas="
                        + asked + "), wait for it (bluegreen await --app " + state.app() + " --color " + target
                        + "), then switch; or deploy again with the count you want (--replicas)";
            } else {
                String mismatch = mismatch(state, target, ownedSelector(state, target));
                if (mismatch != null) {
                    problem = mismatch + " (the Service would select none of its pods)";
                    fix = "remove that key from Service " + state.serviceName() + "'s selector (and from the manifest "
                            + "you apply), whose selector should be only " + state.stableSelector();
                }
            }
        }
        if (problem == null) {
            return deployment;
        }
        if (afterRace) {
            throw new ConflictException("while switching, someone else changed the app: " + problem
                    + "; nothing was written — run status and decide again");
        }
        // the app's state, not the request, is what is wrong: the same switch succeeds once the colour is ready
        throw new RefusedException("cannot switch to " + target + ": " + problem, fix);
    }

    /**
     * Whether the colour holds a release that has not gone live yet (deployed after the newest traffic change): its
     * count is the one the deploy asked for. A colour that served since is sized by its autoscaler or a rollback.
     */
    private static boolean pendingRelease(AppState state, DeploymentView view) {
        Instant deployedAt = view.instantAnnotation(StateKeys.DEPLOYED_AT);
        HistoryEntry head = ServiceHistory.head(state.service());
        return deployedAt != null
                && (head == null || head.switchedAt() == null || deployedAt.isAfter(head.switchedAt()));
    }

    private Service switched(AppState state, Color target, HistoryEntry entry) {
        Service service = state.service();
        Map<String, String> selector = ownedSelector(state, target);
        Map<String, String> annotations = new LinkedHashMap<>(
                service.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : service.getMetadata().getAnnotations());
        annotations.put(StateKeys.ACTIVE_COLOR, target.label());
        // a deploy's announcement ends with the traffic change (DeployAnnouncement); rollbacks without the lock
        // never get here while one is present
        annotations.remove(StateKeys.DEPLOYING);
        if (state.liveColor() != null && state.liveColor() != target) {
            annotations.put(StateKeys.PREVIOUS_COLOR, state.liveColor().label());
        } else {
            annotations.remove(StateKeys.PREVIOUS_COLOR);
        }
        annotations.put(
                StateKeys.HISTORY,
                history.encode(ReleaseHistory.prepend(
                        entry, readHistory(service), context.settings().historyLimit())));
        // a full update with the resourceVersion we read: the selector and the record change together or not at all
        return new ServiceBuilder(service)
                .editMetadata()
                .withAnnotations(annotations)
                .endMetadata()
                .editSpec()
                .withSelector(selector)
                .endSpec()
                .build();
    }

    /**
     * Checks the Service as the API server stored it. The answer to the update is that object — after admission
     * and any mutating webhook — so it is the read-back; a separate GET would cost a round trip and could only add
     * changes made after ours, which no check can rule out anyway.
     */
    private void verify(Service stored, Color target, HistoryEntry entry) {
        String serviceName = stored.getMetadata().getName();
        String selected = stored.getSpec() == null || stored.getSpec().getSelector() == null
                ? null
                : stored.getSpec().getSelector().get(context.settings().colorLabelKey());
        if (!target.label().equals(selected) || !entry.equals(ServiceHistory.head(stored))) {
            throw new ConflictException("Service " + serviceName + " was written to select " + target
                    + " but is stored selecting " + selected + "; something changed the write (an admission webhook?)"
                    + " — run status");
        }
    }

    /**
     * Marks {@code entry} verified at {@code at}, if it is still the newest entry of the Service's history: one update
     * of the history annotation alone, guarded by the resourceVersion read (re-read on 409). A verification is not a
     * traffic change, so it amends the switch's own entry rather than adding one: every decision that reads the
     * newest entry as the last traffic change (rollback, a retried switch, the rollback window) stays as it was.
     *
     * @return false when the history moved on meanwhile (someone switched or rolled back): nothing written
     */
    boolean markVerified(String serviceName, HistoryEntry entry, Instant at) {
        return ApiRetry.Races.SERVICE_WRITE.untilWon(
                attempt -> {
                    Service current = context.cluster().service(serviceName).orElse(null);
                    List<HistoryEntry> entries = current == null ? List.of() : readHistory(current);
                    if (entries.isEmpty() || !entries.get(0).equals(entry)) {
                        return false;
                    }
                    List<HistoryEntry> marked = new ArrayList<>(entries);
                    HistoryEntry verified = entry.verified(at);
                    marked.set(0, verified);
                    Map<String, String> annotations =
                            new LinkedHashMap<>(current.getMetadata().getAnnotations());
                    annotations.put(StateKeys.HISTORY, history.encode(marked));
                    context.cluster()
                            .update(
                                    new ServiceBuilder(current)
                                            .editMetadata()
                                            .withAnnotations(annotations)
                                            .endMetadata()
                                            .build(),
                                    s -> verified.equals(ServiceHistory.head(s)));
                    return true;
                },
                attempts -> new ConflictException("Service " + serviceName + " kept changing while recording the "
                        + "verification of " + entry.color() + "; nothing was overwritten — run status"));
    }

    List<HistoryEntry> readHistory(Service service) {
        String annotation = Labels.annotation(service, StateKeys.HISTORY);
        try {
            return history.decode(annotation);
        } catch (ReleaseHistory.UnreadableHistoryException e) {
            context.listener()
                    .warn("the history annotation of Service "
                            + service.getMetadata().getName() + " is not readable (" + e.getMessage()
                            + "); starting a new history");
            return List.of();
        }
    }
}
