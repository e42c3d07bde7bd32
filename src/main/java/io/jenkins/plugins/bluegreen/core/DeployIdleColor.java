package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Deploys a new version into the idle colour. Order matters: everything is validated and the Deployment to write
 * is fully built before the first write (the lock), so bad input leaves the cluster untouched. Then: adopt if the
 * app is not under blue-green yet, and create or update the idle colour's Deployment (template replaced, guarded
 * by resourceVersion). Before the idle colour is written, the deploy is announced on the live Service
 * ({@link DeployAnnouncement}). The live colour is never written.
 */
final class DeployIdleColor {
    private final EngineContext context;
    private final DeployLock lock;

    DeployIdleColor(EngineContext context, DeployLock lock) {
        this.context = context;
        this.lock = lock;
    }

    /**
     * The deploy, step by step: validate and plan on one read, wait outside a rollback window, lock (planning again if
     * contended), announce on the live Service, write the idle colour. The lock is kept for the switch.
     */
    Release deploy(App app, DeployRequest request) {
        InputValidation.holder(request.holder());
        if (request.takesBackFrom() != null) {
            InputValidation.holder(request.takesBackFrom());
        }
        InputValidation.replicas(request.replicas());
        InputValidation.lockWait(request.lockWait());
        InputValidation.timeout(request.timeout());
        InputValidation.serviceName("previewService", request.previewService());
        if (request.image() != null) {
            InputValidation.image(request.image());
        }
        if (request.image() == null && request.manifest() == null) {
            throw new InvalidInputException(
                    "image", "is missing", "pass an image (--image) or a Deployment manifest (--manifest)");
        }
        Deployment manifest = request.manifest() == null
                ? null
                : DeploymentManifest.parse(request.manifest(), context.client().getKubernetesSerialization());

        Plan plan = plan(app, request, manifest);
        // a dry run waits neither for a lock nor for a rollback window: it refuses as a run without a lock wait would
        Instant deadline = plusOrMax(context.clock().instant(), context.dryRun() ? Duration.ZERO : request.lockWait());

        // validated; from here on we write
        while (true) {
            // waiting for a rollback window holds no lock: a rollback meanwhile may need it
            plan = outsideRollbackWindow(request, manifest, plan, deadline);
            LockAsk ask = LockAsk.of(app, request.holder(), LockAsk.Tenure.LONG, remaining(deadline))
                    .takingBackFrom(request.takesBackFrom());
            // the app was read before another holder let go of the lock: the colour idle then may be live now, or be
            // the colour that holder's switch just kept for a rollback
            Attempt attempt = lock.under(ask, plan, stale -> plan(app, request, manifest), (held, decided) -> {
                if (held.contended() && !request.replaceRollbackTarget() && rollbackWindowEnd(decided) != null) {
                    held.release();
                    return new Attempt(decided, null);
                }
                return new Attempt(decided, deployUnder(held, request, manifest, decided));
            });
            if (attempt.release() != null) {
                return attempt.release();
            }
            plan = attempt.plan();
        }
    }

    /** A deploy under the lock, or the plan to wait with when another holder's switch just opened a rollback window. */
    private record Attempt(Plan plan, Release release) {}

    private Release deployUnder(HeldLock held, DeployRequest request, Deployment manifest, Plan planned) {
        Plan plan = planned;
        AdoptionResult adopted = null;
        if (plan.adoption() != null) {
            // the adoption is part of this deploy: its history entry names the deploy's build
            adopted = new Adoption(context)
                    .run(
                            plan.adoption(),
                            request.holder(),
                            request.buildUrl() != null ? request.buildUrl() : Adoption.holderAsBuild(request.holder()),
                            request.timeout());
        }
        // the stamp names the newest traffic change it saw: after an adoption that is the adoption's own record
        Service seen = adopted == null
                ? plan.state().service()
                : context.cluster()
                        .service(plan.state().serviceName())
                        .orElse(plan.state().service());
        ApiRetry.LostRaces lost = ApiRetry.Races.SERVICE_WRITE.count();
        while (true) {
            try {
                // before the idle colour is touched, and guarded by the read that chose it: a rollback without the
                // lock either sees it or has its own Service write refused (DeployAnnouncement)
                seen = new DeployAnnouncement(context)
                        .announce(seen, plan.idle(), request.holder(), request.previewService(), plan.liveHpa());
                break;
            } catch (StaleObjectException changed) {
                // someone switched or rolled back since the read: the colour idle then may be live now; nothing was
                // deployed yet, so a refusal gives the lock back
                String serviceName = plan.state().serviceName();
                plan = held.orRelease(() -> {
                    lost.lost(attempts -> new ConflictException("Service " + serviceName + " kept changing while "
                            + "announcing the deploy (" + attempts + " attempts); nothing was deployed — check who "
                            + "else writes it and run status"));
                    context.listener()
                            .info("Service " + serviceName + " changed before the deploy was announced; "
                                    + "reading again to decide the idle colour again");
                    Plan again = plan(held.app(), request, manifest);
                    if (again.adoption() != null) {
                        throw new ConflictException("Service " + serviceName + " lost its colour key while deploying; "
                                + "nothing was deployed — run status");
                    }
                    return again;
                });
                seen = plan.state().service();
            }
        }
        AppState state = plan.state();
        if (request.previewService() != null) {
            // the preview never shows a colour while it is being deployed: back to the live colour until healthy
            new PreviewService(context).moveOff(state, request.previewService(), plan.idle(), plan.live());
        }
        // Rollback tells "deployed since the last traffic change" by comparing deployed-at with the history; an
        // adoption just recorded a change, so the release is stamped after it (and after the announcement)
        Deployment desired = plan.desiredAt().apply(context.clock().instant().toString());
        ReplicaSizing sizing = plan.sizing();
        if (sizing.hpa() != null) {
            context.listener()
                    .info("HorizontalPodAutoscaler " + sizing.hpa() + " scales the live colour; sized "
                            + desired.getMetadata().getName() + " like it: " + sizing.replicas()
                            + " replicas (the HPA is not retargeted)");
        }
        Color idle = plan.idle();
        desired = stamped(desired, held, seen);
        Deployment written = write(
                desired,
                state.deployment(idle).orElse(null),
                state.deployment(idle).isPresent() || plan.adoption() != null);
        DeploymentView view = new DeploymentView(written);
        boolean fromManifest = request.replicas() == null
                && manifest != null
                && manifest.getSpec().getReplicas() != null;
        context.listener()
                .info("deployed " + String.join(",", view.images()) + " into " + view.name() + " ("
                        + sizing.replicas() + " replicas" + (fromManifest ? ", the manifest's spec.replicas" : "")
                        + "); live colour " + plan.live() + " untouched");
        int liveReplicas = state.deployment(plan.live())
                .map(d -> new DeploymentView(d).desiredReplicas())
                .orElse(0);
        if (fromManifest && sizing.replicas() < liveReplicas) {
            context.listener()
                    .warn("the manifest asks for " + sizing.replicas() + " replicas, fewer than the "
                            + liveReplicas + " of the live colour " + plan.live()
                            + "; after a switch they take all its traffic "
                            + "(--replicas overrides the manifest)");
        }
        return new Release(
                held.app().name(),
                context.namespace(),
                state.serviceName(),
                plan.live(),
                idle,
                view.name(),
                view.images(),
                view.annotation(StateKeys.REVISION),
                sizing.replicas(),
                sizing.hpa(),
                request.previewService(),
                adopted,
                HealthWatch.releaseOf(written));
    }

    /**
     * What deploy will write, decided on one read of the app and validated (the desired Deployment is built once),
     * before any write.
     *
     * @param adoption   null when the app is under blue-green already
     * @param desiredAt  the idle colour's Deployment for a given deploy time
     */
    private record Plan(
            App app,
            AppState state,
            Adoption.Plan adoption,
            Color live,
            Color idle,
            ReplicaSizing sizing,
            Function<String, Deployment> desiredAt,
            String liveHpa) {}

    private Plan plan(App app, DeployRequest request, Deployment manifest) {
        BlueGreenSettings settings = context.settings();
        AppState state = AppState.read(context, app, request.service()).requireUsableSelector();
        if (state.serviceName().equals(request.previewService())) {
            throw new InvalidInputException(
                    "previewService",
                    "is the live Service " + state.serviceName(),
                    "name a separate Service, e.g. " + app + "-preview");
        }
        if (request.previewService() != null) {
            new PreviewService(context).requireUsable(state, request.previewService());
        }
        Adoption.Plan adoptionPlan = state.liveColor() == null ? new Adoption(context).plan(state) : null;
        Color live = state.liveColor() == null ? Adoption.ADOPTED_COLOR : state.liveColor();
        Color idle = live.other();
        Deployment liveDeployment = adoptionPlan != null
                ? adoptionPlan.source()
                : state.deployment(live).orElse(null);
        if (manifest == null && liveDeployment == null) {
            throw new InvalidInputException(
                    "image",
                    "the live colour's Deployment "
                            + app.deployment(live) + " does not exist, so there is no pod template to "
                            + "put the image in",
                    "deploy with a manifest instead");
        }
        List<HorizontalPodAutoscaler> autoscalers = context.cluster().autoscalers(context.listener()::warn);
        ReplicaSizing sizing = ReplicaSizing.decide(request.replicas(), liveDeployment, autoscalers, manifest);
        // the HPA of the live colour follows the traffic whatever sized this colour (Autoscaler)
        String liveHpa = liveDeployment == null
                ? null
                : autoscalers.stream()
                        .filter(h -> h.getSpec() != null
                                && h.getSpec().getScaleTargetRef() != null
                                && "Deployment"
                                        .equals(h.getSpec().getScaleTargetRef().getKind())
                                && liveDeployment
                                        .getMetadata()
                                        .getName()
                                        .equals(h.getSpec().getScaleTargetRef().getName()))
                        .map(h -> h.getMetadata().getName())
                        .findFirst()
                        .orElse(null);
        Deployment template = manifest != null ? manifest : liveDeployment;
        Function<String, Deployment> desiredAt = deployedAt -> new IdleDeploymentPlan(
                        app.name(),
                        idle,
                        context.namespace(),
                        settings,
                        state.stableSelector(),
                        template,
                        manifest != null,
                        request.image(),
                        request.container(),
                        sizing.replicas(),
                        request.revision(),
                        request.buildUrl(),
                        deployedAt,
                        state.serviceName(),
                        request.previewService())
                .desired();
        desiredAt.apply(context.clock().instant().toString()); // validates before any write
        return new Plan(app, state, adoptionPlan, live, idle, sizing, desiredAt, liveHpa);
    }

    /**
     * The plan once the colour it would overwrite is no rollback target in its window: at once, after waiting for the
     * window's end when {@code deadline} (the lock wait) reaches past it, or when asked to replace it on purpose.
     *
     * @throws RollbackWindowOpenException naming the window's end, before any write
     */
    private Plan outsideRollbackWindow(DeployRequest request, Deployment manifest, Plan plan, Instant deadline) {
        while (true) {
            Instant end = rollbackWindowEnd(plan);
            if (end == null) {
                return plan;
            }
            String name = plan.app().deployment(plan.idle());
            if (request.replaceRollbackTarget()) {
                context.listener()
                        .warn(
                                "replacing " + name + " although it is kept for a rollback until " + end
                                        + " (asked to replace the rollback target): a rollback will have no previous release to go to");
                return plan;
            }
            if (end.isAfter(deadline)) {
                throw new RollbackWindowOpenException(
                        name + " is kept for a rollback of the last switch until " + end
                                + " (its rollback window, until its scheduled scale-down); deploying now would overwrite the "
                                + "release a rollback goes back to. Nothing was written. Deploy after " + end
                                + ", wait for it "
                                + "with a lock wait that reaches past it (--lock-wait / lockWait), or replace it on purpose "
                                + "(--replace-rollback-target / replaceRollbackTarget: true)",
                        end);
            }
            context.listener()
                    .info("waiting until " + end + ": " + name + " is kept for a rollback until then (its "
                            + "rollback window)");
            sleepUntil(end);
            plan = plan(plan.app(), request, manifest);
        }
    }

    /**
     * When the idle colour is the release a rollback would go back to (the last traffic change was a switch away from
     * it, it was not redeployed since, it still runs) and its scheduled scale-down is still ahead: that time. A colour
     * kept without a schedule (scale-down delay 0) has no window; a colour holding a rolled-back release is no target.
     */
    private Instant rollbackWindowEnd(Plan plan) {
        if (plan.adoption() != null) {
            return null;
        }
        Deployment idle = plan.state().deployment(plan.idle()).orElse(null);
        if (idle == null) {
            return null;
        }
        DeploymentView view = new DeploymentView(idle);
        Instant end = view.instantAnnotation(StateKeys.SCALE_DOWN_AT);
        if (end == null || !end.isAfter(context.clock().instant()) || view.desiredReplicas() == 0) {
            return null;
        }
        HistoryEntry head = ServiceHistory.head(plan.state().service());
        if (head == null || head.switchedAt() == null || head.undidRelease()) {
            return null;
        }
        return ScaleDown.deployedSinceLastTrafficChange(plan.state(), idle) ? null : end;
    }

    private static Instant plusOrMax(Instant start, Duration wait) {
        try {
            return start.plus(wait);
        } catch (DateTimeException | ArithmeticException beyondTheCalendar) {
            return Instant.MAX;
        }
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(context.clock().instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }

    private void sleepUntil(Instant end) {
        long millis = Duration.between(context.clock().instant(), end).toMillis() + 1;
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlueGreenException(
                    "interrupted while waiting for a rollback window to end; nothing was written", e);
        }
    }

    /**
     * The deploy lock's tenure, stamped on the colour this release deploys, so its switch can prove it holds the lock
     * without reading the Lease ({@link LockStamp}). Without a usable Lease copy (times missing) nothing is stamped and
     * the switch reads the Lease, as it always may.
     */
    private static Deployment stamped(Deployment desired, HeldLock held, Service service) {
        Optional<String> stamp = held.lease() == null ? Optional.empty() : LockStamp.encode(held.lease(), service);
        Map<String, String> annotations = DeploymentAnnotations.copyOf(desired);
        if (stamp.isPresent()) {
            annotations.put(StateKeys.LOCK, stamp.get());
        } else {
            annotations.remove(StateKeys.LOCK);
        }
        return DeploymentAnnotations.with(desired, annotations);
    }

    /**
     * Creates the idle Deployment, or replaces its spec; recreates it when the immutable selector must change.
     * {@code known} is the idle Deployment as the state read found it (null if absent); it is decided on without
     * reading again, since the write is guarded and a stale copy is refused.
     */
    private Deployment write(Deployment desired, Deployment known, boolean mayExist) {
        String name = desired.getMetadata().getName();
        String release =
                desired.getSpec().getTemplate().getMetadata().getAnnotations().get(StateKeys.RELEASE);
        if (mayExist) {
            Optional<Deployment> existing =
                    known != null ? Optional.of(known) : context.cluster().deployment(name);
            if (existing.isPresent()
                    && !Objects.equals(
                            selectorOf(existing.get()), desired.getSpec().getSelector())) {
                context.listener()
                        .warn("the selector of idle " + name + " changes, which Kubernetes does not allow in "
                                + "place; deleting and recreating it (it serves no traffic)");
                context.cluster().delete(existing.get());
                awaitGone(name);
            } else if (existing.isPresent()) {
                Optional<Deployment> updated = context.cluster()
                        .editDeployment(name, existing.get(), current -> Optional.of(replaced(current, desired)));
                if (updated.isPresent()) {
                    return updated.get();
                }
            }
        }
        Predicate<Deployment> ours = d -> release.equals(
                d.getSpec().getTemplate().getMetadata().getAnnotations().get(StateKeys.RELEASE));
        try {
            return context.cluster().create(desired, ours);
        } catch (StaleObjectException alreadyExists) {
            // someone else's Deployment has the name (ours would have been recognised) — unless it is gone again,
            // then nothing is in the way: decide again once, rather than report a conflict with nothing
            if (context.cluster().deployment(name).isPresent()) {
                throw createdBySomeoneElse(name);
            }
            try {
                return context.cluster().create(desired, ours);
            } catch (StaleObjectException again) {
                throw createdBySomeoneElse(name);
            }
        }
    }

    private static ConflictException createdBySomeoneElse(String name) {
        return new ConflictException("Deployment " + name + " was created by someone else while deploying; "
                + "nothing was overwritten — run status and deploy again");
    }

    /** The current object with our labels, annotations and spec; keeps what controllers and others put there. */
    private static Deployment replaced(Deployment current, Deployment desired) {
        Map<String, String> labels = new LinkedHashMap<>(
                current.getMetadata().getLabels() == null
                        ? Map.of()
                        : current.getMetadata().getLabels());
        labels.putAll(desired.getMetadata().getLabels());
        Map<String, String> annotations = DeploymentAnnotations.copyOf(current);
        annotations.remove(StateKeys.SCALE_DOWN_AT);
        annotations.remove(StateKeys.REPLICAS_BEFORE_SCALE_DOWN);
        annotations.remove(StateKeys.PREVIEW_SERVICE);
        annotations.remove(StateKeys.BUILD_URL);
        annotations.remove(StateKeys.LOCK);
        annotations.putAll(desired.getMetadata().getAnnotations());
        return new DeploymentBuilder(current)
                .editMetadata()
                .withLabels(labels)
                .withAnnotations(annotations)
                .endMetadata()
                .withSpec(desired.getSpec())
                .build();
    }

    private static LabelSelector selectorOf(Deployment deployment) {
        return deployment.getSpec() == null ? null : deployment.getSpec().getSelector();
    }

    private void awaitGone(String name) {
        context.cluster().call("waiting for Deployment " + name + " to be deleted", () -> context.client()
                .apps()
                .deployments()
                .inNamespace(context.namespace())
                .withName(name)
                .waitUntilCondition(
                        Objects::isNull, context.settings().leaseDuration().toMillis(), TimeUnit.MILLISECONDS));
    }
}
