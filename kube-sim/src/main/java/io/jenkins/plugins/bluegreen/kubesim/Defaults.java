package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The defaulting a real API server applies on create (and keeps on update), for the kinds whose
 * defaults clients read back: Deployment replicas and strategy, Service cluster IP, ports and
 * node ports, Namespace phase. A requested nodePort is kept; a taken one is rejected.
 */
final class Defaults {

    private final ClusterCache cache;
    private final AtomicInteger clusterIps = new AtomicInteger(10);

    Defaults(ClusterCache cache) {
        this.cache = cache;
    }

    /** Thrown for input a real API server rejects as Invalid (422). */
    static final class InvalidException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidException(String message) {
            super(message);
        }
    }

    /** Fills defaults into an object being created. */
    void onCreate(ResourceType type, ObjectNode obj) throws InvalidException {
        switch (type.kind()) {
            case "Deployment" -> {
                deployment(obj);
                selectorMatchesTemplate(obj);
            }
            case "Service" -> service(obj, null);
            case "Namespace" -> namespace(obj);
            default -> {
                // stored as sent
            }
        }
    }

    /** Fills defaults into a replacement, keeping what the server allocated before. */
    void onUpdate(ResourceType type, ObjectNode obj, JsonNode current) throws InvalidException {
        switch (type.kind()) {
            case "Deployment" -> {
                deployment(obj);
                selectorMatchesTemplate(obj);
                selectorUnchanged(obj, current);
            }
            case "Service" -> service(obj, current);
            default -> {
                // stored as sent
            }
        }
    }

    /** apps/v1 validation: the selector must select the template's own pods. */
    private static void selectorMatchesTemplate(ObjectNode d) throws InvalidException {
        JsonNode selector = d.path("spec").path("selector").path("matchLabels");
        JsonNode labels = d.path("spec").path("template").path("metadata").path("labels");
        if (selector.isEmpty()) {
            throw invalid(d, "spec.selector: Required value");
        }
        for (var e : selector.properties()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                throw invalid(
                        d,
                        "spec.template.metadata.labels: Invalid value: " + labels
                                + ": `selector` does not match template `labels`");
            }
        }
    }

    /** apps/v1 validation: a Deployment's selector cannot change after creation. */
    private static void selectorUnchanged(ObjectNode d, JsonNode current) throws InvalidException {
        if (current == null) {
            return;
        }
        JsonNode before = current.path("spec").path("selector");
        JsonNode after = d.path("spec").path("selector");
        if (!before.isMissingNode() && !before.equals(after)) {
            throw invalid(d, "spec.selector: Invalid value: " + after + ": field is immutable");
        }
    }

    private static InvalidException invalid(ObjectNode d, String detail) {
        return new InvalidException(d.path("kind").asText("Deployment") + ".apps \""
                + d.path("metadata").path("name").asText() + "\" is invalid: " + detail);
    }

    private static void deployment(ObjectNode d) {
        ObjectNode spec = d.withObjectProperty("spec");
        if (!spec.hasNonNull("replicas")) {
            spec.put("replicas", 1);
        }
        ObjectNode strategy = spec.withObjectProperty("strategy");
        if (!strategy.hasNonNull("type")) {
            strategy.put("type", "RollingUpdate");
        }
        if (strategy.path("type").asText().equals("RollingUpdate")) {
            ObjectNode ru = strategy.withObjectProperty("rollingUpdate");
            if (!ru.hasNonNull("maxSurge")) {
                ru.put("maxSurge", "25%");
            }
            if (!ru.hasNonNull("maxUnavailable")) {
                ru.put("maxUnavailable", "25%");
            }
        }
        if (!spec.hasNonNull("revisionHistoryLimit")) {
            spec.put("revisionHistoryLimit", 10);
        }
        if (!spec.hasNonNull("progressDeadlineSeconds")) {
            spec.put("progressDeadlineSeconds", 600);
        }
        ObjectNode podSpec = spec.withObjectProperty("template").withObjectProperty("spec");
        putIfMissing(podSpec, "restartPolicy", "Always");
        putIfMissing(podSpec, "dnsPolicy", "ClusterFirst");
        putIfMissing(podSpec, "schedulerName", "default-scheduler");
        if (!podSpec.hasNonNull("terminationGracePeriodSeconds")) {
            podSpec.put("terminationGracePeriodSeconds", 30);
        }
        for (JsonNode c : podSpec.path("containers")) {
            if (c instanceof ObjectNode container) {
                String image = container.path("image").asText("");
                boolean latest = !image.contains(":") || image.endsWith(":latest");
                putIfMissing(container, "imagePullPolicy", latest ? "Always" : "IfNotPresent");
                for (JsonNode p : container.path("ports")) {
                    if (p instanceof ObjectNode port) {
                        putIfMissing(port, "protocol", "TCP");
                    }
                }
            }
        }
    }

    private void service(ObjectNode svc, JsonNode current) throws InvalidException {
        ObjectNode spec = svc.withObjectProperty("spec");
        JsonNode currentSpec = current == null ? null : current.path("spec");
        putIfMissing(spec, "type", "ClusterIP");
        String type = spec.path("type").asText();
        if (!spec.hasNonNull("clusterIP")) {
            String ip = currentSpec != null && currentSpec.hasNonNull("clusterIP")
                    ? currentSpec.path("clusterIP").asText()
                    : "10.96." + (clusterIps.get() / 250 % 250) + "." + (clusterIps.getAndIncrement() % 250 + 1);
            spec.put("clusterIP", ip);
        }
        if (!spec.has("clusterIPs") && !spec.path("clusterIP").asText().equals("None")) {
            spec.putArray("clusterIPs").add(spec.path("clusterIP").asText());
        }
        putIfMissing(spec, "sessionAffinity", "None");
        putIfMissing(spec, "ipFamilyPolicy", "SingleStack");
        if (!spec.has("ipFamilies")) {
            spec.putArray("ipFamilies").add("IPv4");
        }
        putIfMissing(spec, "internalTrafficPolicy", "Cluster");
        boolean nodePorts = type.equals("NodePort") || type.equals("LoadBalancer");
        if (nodePorts) {
            putIfMissing(spec, "externalTrafficPolicy", "Cluster");
        }
        Set<Integer> taken = nodePortsInUse(svc);
        int i = 0;
        for (JsonNode p : spec.path("ports")) {
            if (!(p instanceof ObjectNode port)) {
                continue;
            }
            putIfMissing(port, "protocol", "TCP");
            if (!port.hasNonNull("targetPort")) {
                port.set("targetPort", port.path("port"));
            }
            if (nodePorts) {
                if (port.hasNonNull("nodePort")) {
                    int requested = port.path("nodePort").asInt();
                    if (taken.contains(requested)) {
                        throw new InvalidException("Service \""
                                + svc.path("metadata").path("name").asText() + "\" is invalid: " + "spec.ports[" + i
                                + "].nodePort: Invalid value: " + requested + ": provided port is already allocated");
                    }
                } else {
                    int kept = keptNodePort(currentSpec, port.path("port").asInt());
                    port.put("nodePort", kept > 0 ? kept : freeNodePort(taken));
                }
                taken.add(port.path("nodePort").asInt());
            } else {
                port.remove("nodePort");
            }
            i++;
        }
        if (!svc.has("status")) {
            svc.putObject("status").putObject("loadBalancer");
        }
    }

    private static int keptNodePort(JsonNode currentSpec, int port) {
        if (currentSpec == null) {
            return 0;
        }
        for (JsonNode p : currentSpec.path("ports")) {
            if (p.path("port").asInt() == port && p.hasNonNull("nodePort")) {
                return p.path("nodePort").asInt();
            }
        }
        return 0;
    }

    private Set<Integer> nodePortsInUse(ObjectNode except) {
        String ns = except.path("metadata").path("namespace").asText();
        String name = except.path("metadata").path("name").asText();
        Set<Integer> used = new HashSet<>();
        for (var s : cache.allServices()) {
            if (s.getMetadata().getName().equals(name)
                    && ns.equals(s.getMetadata().getNamespace())) {
                continue;
            }
            if (s.getSpec() != null && s.getSpec().getPorts() != null) {
                s.getSpec().getPorts().forEach(p -> {
                    if (p.getNodePort() != null) {
                        used.add(p.getNodePort());
                    }
                });
            }
        }
        return used;
    }

    private static int freeNodePort(Set<Integer> taken) {
        for (int tries = 0; tries < 10_000; tries++) {
            int candidate = 30000 + ThreadLocalRandom.current().nextInt(2768);
            if (!taken.contains(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no free node port");
    }

    private static void namespace(ObjectNode ns) {
        String name = ns.path("metadata").path("name").asText();
        ns.withObjectProperty("metadata").withObjectProperty("labels").put("kubernetes.io/metadata.name", name);
        ObjectNode spec = ns.withObjectProperty("spec");
        if (!spec.has("finalizers")) {
            ArrayNode f = spec.putArray("finalizers");
            f.add("kubernetes");
        }
        ns.withObjectProperty("status").put("phase", "Active");
    }

    private static void putIfMissing(ObjectNode o, String field, String value) {
        if (!o.hasNonNull(field)) {
            o.put(field, value);
        }
    }
}
