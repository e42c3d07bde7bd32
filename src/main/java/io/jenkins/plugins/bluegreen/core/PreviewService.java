package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optional preview Service: a ClusterIP Service with the live Service's ports that selects one colour, so a
 * release can be tested before users see it. Created on first use; its selector is only ever moved to a colour
 * that is ready. Never the live Service.
 */
final class PreviewService {
    private final EngineContext context;

    PreviewService(EngineContext context) {
        this.context = context;
    }

    /**
     * Refuses a preview name that belongs to a Service which is not this app's preview — another app's live Service,
     * say: re-pointing its selector would take its traffic. Read before any write, so a refusal changes nothing.
     */
    void requireUsable(AppState state, String previewName) {
        context.cluster().service(previewName).ifPresent(existing -> {
            if (!isPreviewOf(existing, state.serviceName())) {
                throw new InvalidInputException(
                        "previewService",
                        "Service " + previewName + " already exists and is "
                                + "not a preview of " + state.serviceName() + " (no " + StateKeys.PREVIEW_OF + ": "
                                + state.serviceName() + " annotation), so re-pointing it could take its traffic",
                        "name a Service that does not exist yet, e.g. " + state.app() + "-preview");
            }
        });
    }

    private static boolean isPreviewOf(Service service, String liveService) {
        return liveService.equals(Labels.annotation(service, StateKeys.PREVIEW_OF));
    }

    /**
     * The app's preview Service, if any: recorded on the live Service by the deploy's announcement, else on a colour's
     * Deployment (releases deployed before the Service recorded it).
     */
    static String recorded(AppState state) {
        String onService = Labels.annotation(state.service(), StateKeys.APP_PREVIEW_SERVICE);
        if (onService != null && !onService.isBlank()) {
            return onService;
        }
        return state.deployments().values().stream()
                .map(d -> Labels.annotation(d, StateKeys.PREVIEW_SERVICE))
                .filter(n -> n != null && !n.isBlank())
                .findFirst()
                .orElse(null);
    }

    /**
     * Moves an existing preview that selects {@code from} to {@code to}; creates nothing. For a colour about to be
     * rewritten or scaled to zero: the preview then shows the live colour (the documented fallback) instead.
     */
    void moveOff(AppState state, String previewName, Color from, Color to) {
        Service existing = context.cluster().service(previewName).orElse(null);
        if (existing == null
                || !isPreviewOf(existing, state.serviceName())
                || existing.getSpec() == null
                || existing.getSpec().getSelector() == null
                || !from.label()
                        .equals(existing.getSpec()
                                .getSelector()
                                .get(context.settings().colorLabelKey()))) {
            return;
        }
        pointAt(state, previewName, to);
    }

    void pointAt(AppState state, String previewName, Color color) {
        if (previewName.equals(state.serviceName())) {
            context.listener().warn("preview Service " + previewName + " is the live Service; not touching it");
            return;
        }
        Map<String, String> selector = new LinkedHashMap<>(state.stableSelector());
        selector.put(context.settings().colorLabelKey(), color.label());
        Cluster cluster = context.cluster();
        // created or changed meanwhile (a lost race): read again
        ApiRetry.Races.SERVICE_WRITE.untilWon(
                attempt -> {
                    Service existing = cluster.service(previewName).orElse(null);
                    if (existing == null) {
                        cluster.create(
                                newPreview(state, previewName, selector),
                                s -> selector.equals(s.getSpec().getSelector()));
                        context.listener().info("created preview Service " + previewName + " selecting " + color);
                        return null;
                    }
                    if (!isPreviewOf(existing, state.serviceName())) {
                        throw new ConflictException(
                                "Service " + previewName + " was created by someone else and is not a " + "preview of "
                                        + state.serviceName() + "; it was not pointed at " + color);
                    }
                    if (!selector.equals(existing.getSpec().getSelector())) {
                        cluster.update(
                                new ServiceBuilder(existing)
                                        .editSpec()
                                        .withSelector(selector)
                                        .endSpec()
                                        .build(),
                                s -> selector.equals(s.getSpec().getSelector()));
                        context.listener().info("preview Service " + previewName + " now selects " + color);
                    }
                    return null;
                },
                attempts -> new ConflictException(
                        "preview Service " + previewName + " kept changing; it was not pointed at " + color));
    }

    private Service newPreview(AppState state, String name, Map<String, String> selector) {
        List<ServicePort> ports = state.service().getSpec().getPorts() == null
                ? List.of()
                : state.service().getSpec().getPorts().stream()
                        .map(p -> new ServicePortBuilder(p).withNodePort(null).build())
                        .toList();
        return new ServiceBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(context.namespace())
                .withLabels(state.stableSelector())
                .addToAnnotations(StateKeys.PREVIEW_OF, state.serviceName())
                .endMetadata()
                .withNewSpec()
                .withType("ClusterIP")
                .withSelector(selector)
                .withPorts(ports)
                .endSpec()
                .build();
    }
}
