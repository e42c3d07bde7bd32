package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceList;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * What a Service gives users, read from its EndpointSlices ({@code kubernetes.io/service-name=<service>}), and the
 * wait after a selector write until they list exactly the target colour's pods with at least its desired number
 * ready. The Deployment's status says pods are ready; only the endpoints say the Service reaches them (a selector
 * key the pods lack leaves it with none while every Deployment looks healthy).
 *
 * <p>A pod's colour is told from its name: a Deployment's pods are named {@code <deployment>-<template hash>-<suffix>},
 * so no pod read is needed; a pod named otherwise belongs to no colour.
 */
final class ServiceEndpoints {
    private static final Pattern OWNED_SUFFIX = Pattern.compile("[a-z0-9]+-[a-z0-9]+");

    private final EngineContext context;

    ServiceEndpoints(EngineContext context) {
        this.context = context;
    }

    /** One read of the Service's endpoints, judged against the colour that should serve ({@code null}: none). */
    ServingStatus read(AppState state, Color expected) {
        EndpointSliceList list = context.cluster().endpointSlices(state.serviceName());
        return evaluate(state, slicesByName(list.getItems()), expected, 0);
    }

    /**
     * Waits (watching the slices) until the Service's endpoints are exactly {@code target}'s pods with at least
     * {@code desired} of them ready; one list when they already are. {@link NotServingException} naming the cause
     * when they are not within {@link BlueGreenSettings#endpointsTimeout()}.
     */
    ServingStatus confirm(AppState written, Color target, int desired) {
        long deadline =
                System.nanoTime() + context.settings().endpointsTimeout().toNanos();
        ServingStatus last;
        while (true) {
            EndpointSliceList list = context.cluster().endpointSlices(written.serviceName());
            Map<String, EndpointSlice> slices = slicesByName(list.getItems());
            last = evaluate(written, slices, target, desired);
            if (last.ok()) {
                return last;
            }
            last = watchUntilServing(
                    written, slices, list.getMetadata().getResourceVersion(), target, desired, deadline, last);
            if (last.ok()) {
                return last;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw notServing(written, target, desired, last);
            }
        }
    }

    /** Follows slice events until serving, the deadline, or the watch ends (then the caller lists again). */
    private ServingStatus watchUntilServing(
            AppState state,
            Map<String, EndpointSlice> slices,
            String fromVersion,
            Color target,
            int desired,
            long deadline,
            ServingStatus last) {
        LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
        Object closed = new Object();
        Watcher<EndpointSlice> watcher = new Watcher<>() {
            @Override
            public void eventReceived(Action action, EndpointSlice slice) {
                events.add(
                        action == Action.DELETED ? Map.entry(slice.getMetadata().getName(), "deleted") : slice);
            }

            @Override
            public void onClose(WatcherException cause) {
                events.add(closed);
            }

            @Override
            public void onClose() {
                events.add(closed);
            }
        };
        Watch watch;
        try {
            watch = context.client()
                    .discovery()
                    .v1()
                    .endpointSlices()
                    .inNamespace(context.namespace())
                    .withLabel(Labels.SERVICE_NAME, state.serviceName())
                    .watch(
                            new ListOptionsBuilder()
                                    .withResourceVersion(fromVersion)
                                    .build(),
                            watcher);
        } catch (RuntimeException refused) {
            // refused (or forbidden: the watch verb is a recommendation, not a need) — list again shortly instead
            pause(deadline);
            return last;
        }
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return last;
                }
                Object event = events.poll(left, TimeUnit.NANOSECONDS);
                if (event == null || event == closed) {
                    return last;
                }
                if (event instanceof EndpointSlice slice) {
                    slices.put(slice.getMetadata().getName(), slice);
                } else if (event instanceof Map.Entry<?, ?> deleted) {
                    slices.remove((String) deleted.getKey());
                }
                last = evaluate(state, slices, target, desired);
                if (last.ok()) {
                    return last;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlueGreenException(
                    "interrupted while confirming the endpoints of Service " + state.serviceName());
        } finally {
            watch.close();
        }
    }

    private static void pause(long deadline) {
        long millis = Math.min(200, TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadline - System.nanoTime())));
        try {
            Thread.sleep(millis); // a refused watch: list again shortly instead of spinning
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, EndpointSlice> slicesByName(List<EndpointSlice> items) {
        Map<String, EndpointSlice> byName = new TreeMap<>();
        items.forEach(s -> byName.put(s.getMetadata().getName(), s));
        return byName;
    }

    /**
     * The endpoints and what is wrong with them: a pod of no colour or of the other colour, no ready pod, fewer
     * than {@code desired} ready pods of {@code expected}.
     */
    ServingStatus evaluate(AppState state, Map<String, EndpointSlice> slices, Color expected, int desired) {
        List<EndpointPod> pods = new ArrayList<>();
        for (EndpointSlice slice : slices.values()) {
            for (Endpoint endpoint : slice.getEndpoints() == null ? List.<Endpoint>of() : slice.getEndpoints()) {
                String name = endpoint.getTargetRef() != null
                                && endpoint.getTargetRef().getName() != null
                        ? endpoint.getTargetRef().getName()
                        : endpoint.getAddresses() == null ? "?" : String.join(",", endpoint.getAddresses());
                boolean ready = endpoint.getConditions() == null
                        || endpoint.getConditions().getReady() == null
                        || endpoint.getConditions()
                                .getReady(); // an unknown readiness counts as ready, as kube-proxy reads it
                pods.add(new EndpointPod(name, colorOf(state.app(), name), ready));
            }
        }
        return new ServingStatus(pods, problem(state, pods, expected, desired));
    }

    private String problem(AppState state, List<EndpointPod> pods, Color expected, int desired) {
        String service = "Service " + state.serviceName();
        List<String> colourless = pods.stream()
                .filter(p -> p.color() == null)
                .map(EndpointPod::pod)
                .toList();
        if (!colourless.isEmpty()) {
            return service + " selects pods of no colour: " + shortList(colourless);
        }
        if (expected != null) {
            List<String> other = pods.stream()
                    .filter(p -> p.color() != expected)
                    .map(EndpointPod::pod)
                    .toList();
            if (!other.isEmpty()) {
                return service + " selects pods of " + expected.other() + " although " + expected + " is live: "
                        + shortList(other);
            }
        }
        long ready = pods.stream().filter(EndpointPod::ready).count();
        if (ready == 0) {
            String cause = expected == null ? null : selectorMismatch(state, expected);
            return service + " selects no ready pods" + (expected == null ? "" : " of " + expected)
                    + (cause == null ? "" : ": " + cause) + " — users get no answer";
        }
        if (ready < desired) {
            return service + " has " + ready + " ready endpoints of " + expected + ", " + desired + " wanted";
        }
        return null;
    }

    /**
     * The selector key that keeps the Service from {@code color}'s pods, as "selector key version=v1 matches no pod of
     * green"; null when every key matches the colour's pod template (or the colour's Deployment was not read).
     */
    String selectorMismatch(AppState state, Color color) {
        return mismatch(state.selector(), state.deployment(color).orElse(null), color);
    }

    /** The first key of {@code selector} that {@code deployment}'s pod template lacks, as a sentence; null if none. */
    static String mismatch(Map<String, String> selector, Deployment deployment, Color color) {
        if (deployment == null || selector == null) {
            return null;
        }
        Map<String, String> podLabels = podLabels(deployment);
        for (Map.Entry<String, String> key : selector.entrySet()) {
            if (!key.getValue().equals(podLabels.get(key.getKey()))) {
                return "selector key " + key.getKey() + "=" + key.getValue() + " matches no pod of " + color;
            }
        }
        return null;
    }

    static Map<String, String> podLabels(Deployment deployment) {
        Map<String, String> labels = deployment.getSpec() == null
                        || deployment.getSpec().getTemplate() == null
                        || deployment.getSpec().getTemplate().getMetadata() == null
                ? null
                : deployment.getSpec().getTemplate().getMetadata().getLabels();
        return labels == null ? Map.of() : new LinkedHashMap<>(labels);
    }

    private Color colorOf(String app, String pod) {
        for (Color color : Color.values()) {
            String prefix = context.settings().deploymentName(app, color) + "-";
            if (pod.startsWith(prefix)
                    && OWNED_SUFFIX.matcher(pod.substring(prefix.length())).matches()) {
                return color;
            }
        }
        return null;
    }

    private NotServingException notServing(AppState state, Color target, int desired, ServingStatus last) {
        String cause = selectorMismatch(state, target);
        return new NotServingException(
                state.serviceName(),
                target,
                "Service " + state.serviceName() + " selects "
                        + target + " (written), but after "
                        + DurationText.format(context.settings().endpointsTimeout())
                        + " its endpoints are not " + target + "'s " + desired + " ready pods: " + last.problem()
                        + (cause == null || last.problem().contains(cause) ? "" : " (" + cause + ")")
                        + " — run `bluegreen status --app " + state.app() + "` and `kubectl -n " + context.namespace()
                        + " get endpointslices -l " + Labels.SERVICE_NAME + "=" + state.serviceName() + "`");
    }

    private static String shortList(List<String> names) {
        return names.size() <= 5
                ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }
}
