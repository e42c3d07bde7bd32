package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What the demo shows after each step, the way {@code kubectl get svc,endpoints,pods} would: the Service's selector
 * and, for each endpoint address, which pod (and so which colour and image) receives the traffic. Read-only display
 * code; it decides nothing.
 */
final class TrafficView {

    private final String colorLabelKey;
    private final KubernetesClient client;
    private final String namespace;
    private final PrintWriter out;

    TrafficView(KubernetesClient client, String namespace, String colorLabelKey, PrintWriter out) {
        this.client = client;
        this.namespace = namespace;
        this.colorLabelKey = colorLabelKey;
        this.out = out;
    }

    /**
     * One endpoint address and the pod behind it; {@code selected} is whether the Service's current selector
     * matches that pod (false while the endpoints still lag behind a selector change).
     */
    record Target(String pod, String ip, String color, String image, boolean selected) {}

    /**
     * Prints the Service and its endpoints. The endpoints controller follows a selector change asynchronously (as
     * kube-proxy would), so this first waits up to {@code settle} for the endpoints to point only at pods the
     * selector matches, and says so if they do not.
     */
    List<Target> show(String serviceName, Duration settle) throws InterruptedException {
        Service service =
                client.services().inNamespace(namespace).withName(serviceName).get();
        if (service == null) {
            out.println("Service " + serviceName + ": not found");
            return List.of();
        }
        Map<String, String> selector = service.getSpec().getSelector();
        out.println("Service " + serviceName + " (" + type(service) + ")  selector: " + render(selector));
        long deadline = System.nanoTime() + settle.toNanos();
        List<Target> targets = targets(serviceName, selector);
        while (!settled(targets) && System.nanoTime() < deadline) {
            Thread.sleep(50); // display only: a short re-read until the simulated endpoints controller caught up
            targets = targets(serviceName, selector);
        }
        Map<String, List<Target>> byColor =
                targets.stream().collect(Collectors.groupingBy(Target::color, TreeMap::new, Collectors.toList()));
        String summary = byColor.entrySet().stream()
                .map(e -> e.getValue().size() + " " + e.getKey() + " (" + images(e.getValue()) + ")")
                .collect(Collectors.joining(", "));
        out.println("Endpoints " + serviceName + ": " + targets.size() + " pods -> "
                + (targets.isEmpty() ? "none" : summary) + (settled(targets) ? "" : "  (still converging)"));
        int shown = 0;
        for (Target t : targets) {
            if (shown++ == 3) {
                out.println("  ... and " + (targets.size() - 3) + " more");
                break;
            }
            out.printf(
                    "  %-32s %-15s %-6s %s%s%n",
                    t.pod(), t.ip(), t.color(), t.image(), t.selected() ? "" : "  (no longer selected)");
        }
        out.flush();
        return targets;
    }

    private List<Target> targets(String serviceName, Map<String, String> selector) {
        Endpoints endpoints =
                client.endpoints().inNamespace(namespace).withName(serviceName).get();
        Map<String, Pod> pods = client.pods().inNamespace(namespace).list().getItems().stream()
                .collect(Collectors.toMap(p -> p.getMetadata().getName(), Function.identity(), (a, b) -> a));
        List<Target> targets = new ArrayList<>();
        if (endpoints == null || endpoints.getSubsets() == null) {
            return targets;
        }
        for (EndpointSubset subset : endpoints.getSubsets()) {
            for (EndpointAddress address : subset.getAddresses()) {
                String podName = address.getTargetRef() == null
                        ? null
                        : address.getTargetRef().getName();
                Pod pod = podName == null ? null : pods.get(podName);
                targets.add(new Target(
                        podName == null ? "?" : podName,
                        address.getIp(),
                        color(pod),
                        pod == null ? "?" : pod.getSpec().getContainers().get(0).getImage(),
                        matches(pod, selector)));
            }
        }
        targets.sort((a, b) -> a.pod().compareTo(b.pod()));
        return targets;
    }

    /** Settled when there are endpoints and every one is a pod the selector matches. */
    private static boolean settled(List<Target> targets) {
        return !targets.isEmpty() && targets.stream().allMatch(Target::selected);
    }

    /** The pod's colour label, or its version label for the seed's pods that have no colour yet. */
    private String color(Pod pod) {
        if (pod == null) {
            return "gone";
        }
        Map<String, String> labels = labels(pod);
        String color = labels.get(colorLabelKey);
        return color != null ? color : "version=" + labels.getOrDefault("version", "?");
    }

    private static boolean matches(Pod pod, Map<String, String> selector) {
        if (pod == null || selector == null || selector.isEmpty()) {
            return false;
        }
        Map<String, String> labels = labels(pod);
        return selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
    }

    private static Map<String, String> labels(Pod pod) {
        return pod.getMetadata().getLabels() == null
                ? Map.of()
                : pod.getMetadata().getLabels();
    }

    private static String images(List<Target> targets) {
        return targets.stream().map(Target::image).distinct().sorted().collect(Collectors.joining(", "));
    }

    private static String type(Service service) {
        String type = service.getSpec().getType() == null
                ? "ClusterIP"
                : service.getSpec().getType();
        List<String> nodePorts = new ArrayList<>();
        for (ServicePort p : service.getSpec().getPorts()) {
            if (p.getNodePort() != null) {
                nodePorts.add(String.valueOf(p.getNodePort()));
            }
        }
        return nodePorts.isEmpty() ? type : type + " " + String.join(",", nodePorts);
    }

    static String render(Map<String, String> selector) {
        if (selector == null || selector.isEmpty()) {
            return "(none)";
        }
        return new TreeMap<>(selector)
                .entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(","));
    }
}
