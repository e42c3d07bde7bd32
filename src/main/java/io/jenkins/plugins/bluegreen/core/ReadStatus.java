package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads everything {@code status} shows; writes nothing. */
final class ReadStatus {
    private final EngineContext context;
    private final DeployLock lock;

    ReadStatus(EngineContext context, DeployLock lock) {
        this.context = context;
        this.lock = lock;
    }

    AppStatus read(App app, String service) {
        AppState state = AppState.read(context, app, service);
        Map<String, ColorStatus> colors = new LinkedHashMap<>();
        for (Color color : Color.values()) {
            Deployment deployment = state.deployment(color).orElse(null);
            boolean selected = deployment != null
                    && state.selector() != null
                    && !state.selector().isEmpty()
                    && Labels.selects(state.selector(), deployment);
            colors.put(color.label(), colorStatus(app.name(), color, deployment, selected));
        }
        List<HistoryEntry> history = new ServiceSelectorWrite(context).readHistory(state.service());
        return new AppStatus(
                app.name(),
                context.namespace(),
                state.serviceName(),
                state.liveColor(),
                state.idleColor(),
                state.previousColor(),
                colors,
                history,
                lock.read(app).orElse(null),
                serving(state, history));
    }

    /**
     * What users get. Before adoption the Service selects pods of no colour by design, so only "no ready pods" is a
     * problem then — unless the history shows the app was under blue-green, i.e. the colour key was removed.
     */
    private ServingStatus serving(AppState state, List<HistoryEntry> history) {
        ServingStatus read = new ServiceEndpoints(context).read(state, state.liveColor());
        if (state.liveColor() == null && read.ready(Color.BLUE) > 0 && read.ready(Color.GREEN) > 0) {
            // never a state of adoption (it copies the old release into one colour only): the key was lost
            long colourless = read.endpoints().stream()
                    .filter(p -> p.ready() && p.color() == null)
                    .count();
            return new ServingStatus(
                    read.endpoints(),
                    "Service " + state.serviceName() + " has no "
                            + context.settings().colorLabelKey()
                            + " key in its selector, so its endpoints span both colours ("
                            + read.ready(Color.BLUE) + " ready pods of blue, " + read.ready(Color.GREEN) + " of green"
                            + (colourless == 0 ? "" : ", " + colourless + " of no colour")
                            + "): users get a mix of releases"
                            + " — name the colour that should serve: bluegreen switch --app " + state.app()
                            + " --to blue "
                            + "(or --to green)");
        }
        if (read.problem() != null && state.liveColor() == null && history.isEmpty() && read.ready() > 0) {
            return new ServingStatus(read.endpoints(), null);
        }
        if (read.problem() != null && state.liveColor() == null && !history.isEmpty()) {
            return new ServingStatus(
                    read.endpoints(),
                    "Service " + state.serviceName() + " has no "
                            + context.settings().colorLabelKey() + " key in its selector although " + state.app()
                            + " is under blue-green (history: " + history.get(0).action() + " to "
                            + history.get(0).color()
                            + "): " + read.problem());
        }
        return read;
    }

    private ColorStatus colorStatus(String app, Color color, Deployment deployment, boolean selected) {
        String name = context.settings().deploymentName(app, color);
        if (deployment == null) {
            return new ColorStatus(color, name, false, null, List.of(), 0, 0, null, null, null, false);
        }
        DeploymentView view = new DeploymentView(deployment);
        List<String> images = view.images();
        return new ColorStatus(
                color,
                name,
                true,
                images.isEmpty() ? null : images.get(0),
                images,
                view.desiredReplicas(),
                view.readyReplicas(),
                view.annotation(StateKeys.REVISION),
                view.instantAnnotation(StateKeys.DEPLOYED_AT),
                view.instantAnnotation(StateKeys.SCALE_DOWN_AT),
                selected);
    }
}
