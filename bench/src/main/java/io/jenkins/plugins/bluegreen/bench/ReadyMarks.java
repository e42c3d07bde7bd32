package io.jenkins.plugins.bluegreen.bench;

import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.PodReadyEvent;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When kube-sim last marked a pod of a Deployment Ready, per namespace and Deployment: the start of the health
 * detection latency. kube-sim takes the {@link System#nanoTime()} right after storing the Ready status and queueing
 * its watch events, so the latency measured from it covers exactly what the engine controls (plus the simulated
 * Deployment controller's status update, which a real cluster also needs).
 */
final class ReadyMarks {
    private final Map<String, Long> lastReady = new ConcurrentHashMap<>();

    ReadyMarks(KubeSim sim) {
        sim.onPodReady(this::record);
    }

    private void record(PodReadyEvent event) {
        String owner = deploymentOf(event.name());
        if (owner != null) {
            lastReady.merge(event.namespace() + "/" + owner, event.nanoTime(), Math::max);
        }
    }

    /** The nanoTime of the last Ready mark of {@code deployment}'s pods, or null if none was seen. */
    Long last(String namespace, String deployment) {
        return lastReady.get(namespace + "/" + deployment);
    }

    void forget(String namespace) {
        lastReady.keySet().removeIf(key -> key.startsWith(namespace + "/"));
    }

    /** {@code app-green-<template hash>-<suffix>} → {@code app-green}; null for a pod without both parts. */
    static String deploymentOf(String podName) {
        int last = podName.lastIndexOf('-');
        if (last <= 0) {
            return null;
        }
        int hash = podName.lastIndexOf('-', last - 1);
        return hash <= 0 ? null : podName.substring(0, hash);
    }
}
