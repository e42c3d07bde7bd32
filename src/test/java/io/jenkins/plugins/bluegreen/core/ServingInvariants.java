package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The serving invariants (docs/reliability.md), as checks that return what is wrong (empty = all hold), for tests that
 * run releases under faults:
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

    private ServingInvariants() {}

    static List<String> traceViolations(ClusterTrace trace, String app, String serviceName) {
        List<String> problems = new ArrayList<>();
        trace.brokenWatches()
                .forEach(b -> problems.add("the recorder's watch broke, so the trace is incomplete: " + b));
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
            if (version.object() instanceof EndpointSlice slice
                    && !version.deleted()
                    && serviceName.equals(label(slice, SERVICE_NAME))
                    && selectedColor(service) != null) {
                // judged when the endpoints change: they follow the Service and the pods by a controller's step, so
                // at the versions of those they may still show the state just before
                String problem = endpointsProblem(slice, state, app, selectedColor(service));
                if (problem != null) {
                    problems.add(problem + " (at resourceVersion " + version.resourceVersion() + ")");
                }
                continue;
            }
            if (!(version.object() instanceof Service) && !(version.object() instanceof Deployment)) {
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
        Service service =
                client.services().inNamespace(namespace).withName(serviceName).get();
        if (service == null) {
            return List.of("Service " + serviceName + " is gone");
        }
        Color serving = selectedColor(service);
        if (serving == null) {
            return List.of("Service " + serviceName + " selects no colour: "
                    + service.getSpec().getSelector());
        }
        problems.addAll(serviceRecordProblems(service, serving, ""));
        String name = BlueGreenSettings.defaults().deploymentName(app, serving);
        Deployment deployment = client.apps()
                .deployments()
                .inNamespace(namespace)
                .withName(name)
                .get();
        if (deployment == null) {
            problems.add("the live colour's Deployment " + name + " does not exist");
        } else {
            DeploymentView view = new DeploymentView(deployment);
            if (view.desiredReplicas() == 0 || !view.rolloutComplete()) {
                problems.add("the live colour " + serving + " does not have all replicas ready: "
                        + view.progress(serving).summary() + " of " + view.desiredReplicas());
            }
        }
        problems.addAll(endpointsAtRest(client, namespace, app, serviceName, serving));
        return problems;
    }

    /** At rest the endpoints controller has caught up: the slices are exactly the serving colour's ready pods. */
    private static List<String> endpointsAtRest(
            KubernetesClient client, String namespace, String app, String serviceName, Color serving) {
        String[] last = {null};
        try {
            Eventually.until(java.time.Duration.ofSeconds(5), () -> {
                Map<String, HasMetadata> state = new HashMap<>();
                client.pods().inNamespace(namespace).list().getItems().forEach(p -> state.put(ClusterTrace.key(p), p));
                List<EndpointSlice> slices = client.discovery()
                        .v1()
                        .endpointSlices()
                        .inNamespace(namespace)
                        .withLabel(SERVICE_NAME, serviceName)
                        .list()
                        .getItems();
                last[0] = slices.isEmpty() ? "Service " + serviceName + " has no EndpointSlice" : null;
                for (EndpointSlice slice : slices) {
                    String problem = endpointsProblem(slice, state, app, serving);
                    last[0] = problem != null ? problem : last[0];
                }
                return last[0] == null;
            });
            return List.of();
        } catch (AssertionError notWithin) {
            return List.of(last[0] + " (at rest)");
        }
    }

    static final String SERVICE_NAME = "kubernetes.io/service-name";

    /**
     * The Service's endpoints must be exactly the serving colour's ready pods: every endpoint a pod of that colour,
     * and the ready ones exactly the colour's ready pods (not terminating) — a stray selector key, a stale slice or a
     * pod of no colour all break it. Null when it holds.
     */
    static String endpointsProblem(EndpointSlice slice, Map<String, HasMetadata> state, String app, Color serving) {
        String prefix = BlueGreenSettings.defaults().deploymentName(app, serving) + "-";
        java.util.Set<String> readyEndpoints = new java.util.TreeSet<>();
        for (var endpoint : slice.getEndpoints() == null
                ? List.<io.fabric8.kubernetes.api.model.discovery.v1.Endpoint>of()
                : slice.getEndpoints()) {
            String pod = endpoint.getTargetRef() == null
                    ? String.valueOf(endpoint.getAddresses())
                    : endpoint.getTargetRef().getName();
            if (!pod.startsWith(prefix)) {
                return "the live Service's endpoints list pod " + pod + ", which is not a pod of the serving colour "
                        + serving;
            }
            if (Boolean.TRUE.equals(endpoint.getConditions().getReady())) {
                readyEndpoints.add(pod);
            }
        }
        java.util.Set<String> readyPods = new java.util.TreeSet<>();
        for (HasMetadata o : state.values()) {
            if (o instanceof Pod pod
                    && serving.label().equals(label(pod, BlueGreenSettings.DEFAULT_COLOR_LABEL_KEY))
                    && pod.getMetadata().getName().startsWith(prefix)
                    && pod.getMetadata().getDeletionTimestamp() == null
                    && isReady(pod)) {
                readyPods.add(pod.getMetadata().getName());
            }
        }
        if (!readyEndpoints.equals(readyPods)) {
            return "the live Service's ready endpoints " + readyEndpoints + " are not the ready pods of the serving "
                    + "colour " + serving + " " + readyPods;
        }
        return null;
    }

    private static boolean isReady(Pod pod) {
        return pod.getStatus() != null
                && pod.getStatus().getPodIP() != null
                && pod.getStatus().getConditions() != null
                && pod.getStatus().getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    private static String label(HasMetadata o, String key) {
        return o.getMetadata().getLabels() == null
                ? null
                : o.getMetadata().getLabels().get(key);
    }

    static Color selectedColor(Service service) {
        Map<String, String> selector =
                service.getSpec() == null ? null : service.getSpec().getSelector();
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
