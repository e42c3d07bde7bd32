package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Brings an app whose Service has no colour key (e.g. {@code app=myapp,version=v1} in front of {@code myapp-v1})
 * under blue-green without a moment of downtime: the pod template of the Deployment the Service selects is copied
 * into the blue colour, which must become ready before the Service is switched to the stable selector plus the
 * colour key (one guarded write, recorded in history). The old Deployment is left running and reported — deleting
 * a workload is the owner's decision. A crash after creating the colour is resumed on the next call.
 */
final class Adoption {
    static final Color ADOPTED_COLOR = Color.BLUE;

    /** Everything adoption will do, decided before any write. */
    record Plan(
            AppState state,
            Deployment source,
            List<String> otherMatches,
            ReplicaSizing sizing,
            Deployment existingColor) {}

    private final EngineContext context;

    Adoption(EngineContext context) {
        this.context = context;
    }

    /** Validates and plans; writes nothing. */
    Plan plan(AppState state) {
        state.requireUsableSelector();
        Map<String, String> selector = state.selector();
        Deployment existing = state.deployment(ADOPTED_COLOR).orElse(null);
        List<Deployment> candidates = context.cluster().deployments().stream()
                .filter(d -> !isColorDeployment(state.app(), d))
                .filter(d -> Labels.selects(selector, d))
                .sorted(Comparator.comparing((Deployment d) -> new DeploymentView(d).readyReplicas())
                        .reversed()
                        .thenComparing(d -> d.getMetadata().getName()))
                .toList();
        if (candidates.isEmpty() && existing == null) {
            throw new InvalidInputException(
                    "service.selector",
                    "Service " + state.serviceName() + " selects " + selector
                            + " but no Deployment's pods match it, so there is nothing to adopt",
                    "point the Service at the app's pods, or create the app's Deployment first");
        }
        Deployment source = candidates.isEmpty() ? existing : candidates.get(0);
        List<String> others =
                candidates.stream().map(d -> d.getMetadata().getName()).toList();
        ReplicaSizing sizing =
                ReplicaSizing.decide(null, source, context.cluster().autoscalers(context.listener()::warn), null);
        return new Plan(state, source, others, sizing, existing);
    }

    AdoptionResult run(Plan plan, String holder, Duration timeout) {
        return run(plan, holder, holderAsBuild(holder), timeout);
    }

    /** @param buildUrl recorded in the adoption's history entry (the deploy's build), or null */
    AdoptionResult run(Plan plan, String holder, String buildUrl, Duration timeout) {
        AppState state = plan.state();
        String app = state.app();
        String name = context.settings().deploymentName(app, ADOPTED_COLOR);
        Deployment colored = plan.existingColor();
        if (colored == null) {
            context.listener()
                    .info("adopting " + app + ": copying the pod template of "
                            + plan.source().getMetadata().getName() + " into " + name + " ("
                            + plan.sizing().replicas()
                            + " replicas)");
            Deployment desired = new IdleDeploymentPlan(
                            app,
                            ADOPTED_COLOR,
                            context.namespace(),
                            context.settings(),
                            state.stableSelector(),
                            plan.source(),
                            false,
                            null,
                            null,
                            plan.sizing().replicas(),
                            revisionOf(plan.source()),
                            null,
                            context.clock().instant().toString(),
                            state.serviceName(),
                            null)
                    .desired();
            desired = new DeploymentBuilder(desired)
                    .editMetadata()
                    .addToAnnotations(
                            StateKeys.ADOPTED_FROM, plan.source().getMetadata().getName())
                    .endMetadata()
                    .build();
            try {
                colored = context.cluster().create(desired, d -> true);
            } catch (StaleObjectException createdMeanwhile) {
                colored = context.cluster()
                        .deployment(name)
                        .orElseThrow(() -> new ConflictException("Deployment " + name
                                + " was created and deleted by someone else during adoption; retry"));
            }
        } else {
            context.listener().info("resuming the adoption of " + app + " with the existing " + name);
        }
        Futures.join(HealthWatch.start(context, app, ADOPTED_COLOR, colored, timeout));
        AppState ready = AppState.read(context, app, state.serviceName());
        new ServiceSelectorWrite(context)
                .write(ready, ADOPTED_COLOR, TrafficChange.of(HistoryEntry.ADOPT, null, buildUrl));
        if (plan.sizing().hpa() != null) {
            // the adopted Deployment's autoscaler follows its traffic to the colour (Autoscaler)
            try {
                new Autoscaler(context)
                        .retarget(
                                plan.sizing().hpa(), plan.source().getMetadata().getName(), name);
            } catch (BlueGreenException e) {
                context.listener()
                        .warn("HorizontalPodAutoscaler " + plan.sizing().hpa() + " still scales "
                                + plan.source().getMetadata().getName() + " (" + e.getMessage() + "): point it at "
                                + name);
            }
        }
        List<String> leftRunning = plan.otherMatches();
        if (!leftRunning.isEmpty()) {
            context.listener()
                    .warn("left running (no longer selected by Service " + state.serviceName() + "): "
                            + String.join(", ", leftRunning)
                            + " — delete when satisfied, blue-green never deletes workloads");
        }
        return new AdoptionResult(
                app,
                state.serviceName(),
                ADOPTED_COLOR,
                name,
                Labels.annotation(colored, StateKeys.ADOPTED_FROM),
                plan.sizing().replicas(),
                leftRunning);
    }

    private boolean isColorDeployment(String app, Deployment d) {
        String name = d.getMetadata().getName();
        for (Color color : Color.values()) {
            if (context.settings().deploymentName(app, color).equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** The adopted version's name: its version label when it has one, else its image tag. */
    private String revisionOf(Deployment source) {
        Map<String, String> podLabels = source.getSpec().getTemplate().getMetadata() == null
                ? Map.of()
                : source.getSpec().getTemplate().getMetadata().getLabels();
        for (String key : context.settings().versionLabelKeys()) {
            if (podLabels != null && podLabels.get(key) != null) {
                return podLabels.get(key);
            }
        }
        return null;
    }

    static String holderAsBuild(String holder) {
        return holder != null && holder.contains("://") ? holder : null;
    }
}
