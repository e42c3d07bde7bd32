package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The invariants of DESIGN §1, as checks that return what is wrong (empty = all hold), for tests that run releases
 * under faults:
 * <ul>
 *   <li>the live Service never selects a colour whose Deployment is missing, scaled to zero or without ready pods,
 *       and the serving colour is never scaled down while it serves — checked at every version a
 *       {@link ClusterTrace} observed;</li>
 *   <li>the Service's {@code active-color} annotation and the newest history entry name the colour its selector
 *       selects — checked at every observed version of the Service, since the switch writes them together;</li>
 *   <li>at the end, the live colour has all its replicas ready.</li>
 * </ul>
 */
final class ServingInvariants {
    private static final ReleaseHistory HISTORY = new ReleaseHistory();

    private ServingInvariants() { }

    static List<String> traceViolations(ClusterTrace trace, String app, String serviceName) {
        List<String> problems = new ArrayList<>();
        trace.brokenWatches().forEach(b -> problems.add("the recorder's watch broke, so the trace is incomplete: " + b));
        Map<String, HasMetadata> state = new HashMap<>();
        Color servingBefore = null;
        int replicasBefore = 0;
        for (ClusterTrace.Version version : trace.history()) {
            String key = ClusterTrace.key(version.object());
            if (version.deleted()) {
                state.remove(key);
            } else {
                state.put(key, version.object());
            }
            if (version.resourceVersion() < trace.startVersion()) {
                continue; // still assembling the state recording began with
            }
            Service service = (Service) state.get("Service/" + serviceName);
            if (service == null) {
                continue;
            }
            String at = " (at resourceVersion " + version.resourceVersion() + ", after " + key
                    + (version.deleted() ? " was deleted" : " changed") + ")";
            Color serving = selectedColor(service);
            problems.addAll(serviceRecordProblems(service, serving, at));
            if (serving == null) {
                servingBefore = null;
                continue;
            }
            String deploymentName = BlueGreenSettings.defaults().deploymentName(app, serving);
            Deployment deployment = (Deployment) state.get("Deployment/" + deploymentName);
            if (deployment == null) {
                problems.add("the live Service selects " + serving + " but Deployment " + deploymentName
                        + " does not exist" + at);
                servingBefore = null;
                continue;
            }
            DeploymentView view = new DeploymentView(deployment);
            if (view.desiredReplicas() == 0) {
                problems.add("the serving colour " + serving + " is scaled to 0" + at);
            } else if (view.readyReplicas() == 0) {
                problems.add("the live Service selects " + serving + " which has no ready pods" + at);
            }
            if (serving == servingBefore && view.desiredReplicas() < replicasBefore) {
                problems.add("the serving colour " + serving + " was scaled down from " + replicasBefore + " to "
                        + view.desiredReplicas() + " while serving" + at);
            }
            servingBefore = serving;
            replicasBefore = view.desiredReplicas();
        }
        return problems;
    }

    /** At rest: the live colour exists with every replica ready, and the Service's record agrees with it. */
    static List<String> endStateViolations(KubernetesClient client, String namespace, String app, String serviceName) {
        List<String> problems = new ArrayList<>();
        Service service = client.services().inNamespace(namespace).withName(serviceName).get();
        if (service == null) {
            return List.of("Service " + serviceName + " is gone");
        }
        Color serving = selectedColor(service);
        if (serving == null) {
            return List.of("Service " + serviceName + " selects no colour: " + service.getSpec().getSelector());
        }
        problems.addAll(serviceRecordProblems(service, serving, ""));
        String name = BlueGreenSettings.defaults().deploymentName(app, serving);
        Deployment deployment = client.apps().deployments().inNamespace(namespace).withName(name).get();
        if (deployment == null) {
            problems.add("the live colour's Deployment " + name + " does not exist");
        } else {
            DeploymentView view = new DeploymentView(deployment);
            if (view.desiredReplicas() == 0 || !view.rolloutComplete()) {
                problems.add("the live colour " + serving + " does not have all replicas ready: "
                        + view.progress(serving).summary() + " of " + view.desiredReplicas());
            }
        }
        return problems;
    }

    static Color selectedColor(Service service) {
        Map<String, String> selector = service.getSpec() == null ? null : service.getSpec().getSelector();
        String value = selector == null ? null : selector.get(BlueGreenSettings.DEFAULT_COLOR_LABEL_KEY);
        for (Color color : Color.values()) {
            if (color.label().equals(value)) {
                return color;
            }
        }
        return null;
    }

    private static List<String> serviceRecordProblems(Service service, Color serving, String at) {
        List<String> problems = new ArrayList<>();
        String active = Labels.annotation(service, StateKeys.ACTIVE_COLOR);
        String expected = serving == null ? null : serving.label();
        if (expected != null && !expected.equals(active)) {
            problems.add("the Service selects " + expected + " but its active-color annotation says " + active + at);
        }
        List<HistoryEntry> history;
        try {
            history = HISTORY.decode(Labels.annotation(service, StateKeys.HISTORY));
        } catch (ReleaseHistory.UnreadableHistoryException e) {
            return List.of("the history annotation is unreadable: " + e.getMessage() + at);
        }
        if (!history.isEmpty() && history.get(0).color() != serving) {
            problems.add("the Service selects " + expected + " but the newest history entry records "
                    + history.get(0).color() + " (" + history.get(0).action() + ")" + at);
        }
        return problems;
    }
}
