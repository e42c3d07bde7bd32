package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointPortBuilder;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Keeps an Endpoints object and an EndpointSlice per selector Service listing the pods it
 * selects (ready ones as addresses, the rest as not ready), so a selector switch is visible the
 * way kube-proxy would see it. Large namespaces coalesce bursts of pod changes briefly.
 */
final class EndpointsController {

    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    static final String NODE = "kube-sim-node";

    private final ClusterCache cache;
    private final StoreWriter writer;
    private final ControllerLoop loop;
    private final Map<String, Set<String>> managed = new HashMap<>();

    EndpointsController(ClusterCache cache, StoreWriter writer, ControllerLoop loop) {
        this.cache = cache;
        this.writer = writer;
        this.loop = loop;
    }

    /** Called inside the store lock: only schedules work. */
    void onEvent(StoreEvent e) {
        if (e.group().isEmpty() && (e.plural().equals("services") || e.plural().equals("pods"))) {
            String ns = e.namespace();
            // with many pods, let a burst of readiness changes settle into one big write
            Duration delay =
                    e.plural().equals("pods") && cache.podCount(ns) > 200 ? Duration.ofMillis(20) : Duration.ZERO;
            loop.enqueueAfter("endpoints:" + ns, delay, () -> reconcile(ns));
        }
    }

    void forget() {
        managed.clear();
    }

    private void reconcile(String ns) {
        Set<String> seen = new HashSet<>();
        List<Pod> pods = cache.pods(ns).stream()
                .filter(p -> !Pods.isTerminating(p)
                        && p.getStatus() != null
                        && p.getStatus().getPodIP() != null)
                .toList();
        for (Service svc : cache.services(ns)) {
            Map<String, String> selector =
                    svc.getSpec() == null ? null : svc.getSpec().getSelector();
            if (selector == null || selector.isEmpty()) {
                continue;
            }
            seen.add(svc.getMetadata().getName());
            LabelSelector sel = LabelSelector.of(selector);
            List<Pod> selected = pods.stream()
                    .filter(p -> sel.matches(p.getMetadata().getLabels()))
                    .sorted(Comparator.comparing(p -> ipKey(p.getStatus().getPodIP())))
                    .toList();
            // the slice first: a client that sees the Endpoints change finds the slice already matching
            syncSlice(svc, selected);
            syncEndpoints(svc, selected);
        }
        Set<String> before = managed.getOrDefault(ns, Set.of());
        for (String gone : before) {
            if (!seen.contains(gone)) {
                cache.endpoints(ns, gone).ifPresent(writer::delete);
                cache.endpointSlices(ns).stream()
                        .filter(s -> gone.equals(label(s.getMetadata().getLabels())))
                        .forEach(writer::delete);
            }
        }
        managed.put(ns, seen);
    }

    private static String label(Map<String, String> labels) {
        return labels == null ? null : labels.get(SERVICE_NAME_LABEL);
    }

    private void syncEndpoints(Service svc, List<Pod> pods) {
        Map<List<EndpointPort>, EndpointSubset> subsets = new LinkedHashMap<>();
        for (Pod p : pods) {
            List<EndpointPort> ports = new ArrayList<>();
            for (ServicePort sp : svc.getSpec().getPorts()) {
                Integer port = targetPort(sp, p);
                if (port != null) {
                    ports.add(new EndpointPortBuilder()
                            .withName(sp.getName())
                            .withPort(port)
                            .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol())
                            .build());
                }
            }
            EndpointSubset subset = subsets.computeIfAbsent(ports, k -> {
                EndpointSubset s = new EndpointSubset();
                s.setPorts(k);
                s.setAddresses(new ArrayList<>());
                s.setNotReadyAddresses(new ArrayList<>());
                return s;
            });
            EndpointAddress address = new EndpointAddressBuilder()
                    .withIp(p.getStatus().getPodIP())
                    .withNodeName(NODE)
                    .withTargetRef(podRef(p))
                    .build();
            (Pods.isReady(p) ? subset.getAddresses() : subset.getNotReadyAddresses()).add(address);
        }
        List<EndpointSubset> list = new ArrayList<>();
        for (EndpointSubset s : subsets.values()) {
            if (s.getAddresses().isEmpty()) {
                s.setAddresses(null);
            }
            if (s.getNotReadyAddresses().isEmpty()) {
                s.setNotReadyAddresses(null);
            }
            list.add(s);
        }
        Endpoints existing = cache.endpoints(
                        svc.getMetadata().getNamespace(), svc.getMetadata().getName())
                .orElse(null);
        List<EndpointSubset> want = list.isEmpty() ? null : list;
        if (existing == null) {
            writer.create(new EndpointsBuilder()
                    .withNewMetadata()
                    .withName(svc.getMetadata().getName())
                    .withNamespace(svc.getMetadata().getNamespace())
                    .withLabels(svc.getMetadata().getLabels())
                    .endMetadata()
                    .withSubsets(want)
                    .build());
        } else if (!Objects.equals(emptyToNull(existing.getSubsets()), want)
                || !Objects.equals(
                        existing.getMetadata().getLabels(), svc.getMetadata().getLabels())) {
            Endpoints copy = Serialization.clone(existing);
            copy.setSubsets(want);
            copy.getMetadata().setLabels(svc.getMetadata().getLabels());
            writer.replace(copy);
        }
    }

    private static <T> List<T> emptyToNull(List<T> l) {
        return l == null || l.isEmpty() ? null : l;
    }

    private void syncSlice(Service svc, List<Pod> pods) {
        String ns = svc.getMetadata().getNamespace();
        String name = svc.getMetadata().getName();
        List<Endpoint> endpoints = new ArrayList<>();
        for (Pod p : pods) {
            boolean ready = Pods.isReady(p);
            endpoints.add(new EndpointBuilder()
                    .withAddresses(p.getStatus().getPodIP())
                    .withNodeName(NODE)
                    .withNewConditions()
                    .withReady(ready)
                    .withServing(ready)
                    .withTerminating(false)
                    .endConditions()
                    .withTargetRef(podRef(p))
                    .build());
        }
        // as the real controller: a slice without endpoints has no ports, and a port's name is always
        // set ("" for an unnamed Service port; kubectl describe dereferences it)
        List<io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort> ports = new ArrayList<>();
        for (ServicePort sp :
                pods.isEmpty() ? List.<ServicePort>of() : svc.getSpec().getPorts()) {
            ports.add(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPortBuilder()
                    .withName(sp.getName() == null ? "" : sp.getName())
                    .withPort(targetPort(sp, pods.get(0)))
                    .withProtocol(sp.getProtocol() == null ? "TCP" : sp.getProtocol())
                    .build());
        }
        Map<String, String> labels = new HashMap<>(
                svc.getMetadata().getLabels() == null
                        ? Map.of()
                        : svc.getMetadata().getLabels());
        labels.put(SERVICE_NAME_LABEL, name);
        labels.put("endpointslice.kubernetes.io/managed-by", "endpointslice-controller.k8s.io");
        EndpointSlice existing = cache.endpointSlices(ns).stream()
                .filter(s -> name.equals(label(s.getMetadata().getLabels())))
                .findFirst()
                .orElse(null);
        if (existing == null) {
            writer.create(new EndpointSliceBuilder()
                    .withNewMetadata()
                    .withName(name + "-" + suffix(svc))
                    .withNamespace(ns)
                    .withLabels(labels)
                    .withOwnerReferences(Pods.controllerRef(svc))
                    .endMetadata()
                    .withAddressType("IPv4")
                    .withEndpoints(endpoints)
                    .withPorts(ports)
                    .build());
        } else if (!Objects.equals(existing.getEndpoints(), endpoints)
                || !Objects.equals(existing.getPorts(), ports)
                || !Objects.equals(existing.getMetadata().getLabels(), labels)) {
            EndpointSlice copy = Serialization.clone(existing);
            copy.setEndpoints(endpoints);
            copy.setPorts(ports);
            copy.getMetadata().setLabels(labels);
            writer.replace(copy);
        }
    }

    private static String suffix(Service svc) {
        String alphabet = "bcdfghjklmnpqrstvwxz2456789";
        long h = svc.getMetadata().getUid() == null
                ? 0
                : svc.getMetadata().getUid().hashCode() & 0xffffffffL;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            sb.append(alphabet.charAt((int) (h % alphabet.length())));
            h /= alphabet.length();
        }
        return sb.toString();
    }

    private static ObjectReference podRef(Pod p) {
        return new ObjectReferenceBuilder()
                .withKind("Pod")
                .withNamespace(p.getMetadata().getNamespace())
                .withName(p.getMetadata().getName())
                .withUid(p.getMetadata().getUid())
                .build();
    }

    /** The pod port a Service port sends to: a number, or a named container port. */
    private static Integer targetPort(ServicePort sp, Pod p) {
        var target = sp.getTargetPort();
        if (target == null) {
            return sp.getPort();
        }
        if (target.getIntVal() != null) {
            return target.getIntVal();
        }
        String named = target.getStrVal();
        if (named != null && named.matches("\\d+")) {
            return Integer.valueOf(named);
        }
        for (Container c : p.getSpec().getContainers()) {
            if (c.getPorts() != null) {
                for (ContainerPort cp : c.getPorts()) {
                    if (named != null && named.equals(cp.getName())) {
                        return cp.getContainerPort();
                    }
                }
            }
        }
        return null;
    }

    private static String ipKey(String ip) {
        StringBuilder sb = new StringBuilder();
        for (String part : ip.split("\\.")) {
            sb.append(String.format("%03d", Integer.parseInt(part)));
        }
        return sb.toString();
    }
}
