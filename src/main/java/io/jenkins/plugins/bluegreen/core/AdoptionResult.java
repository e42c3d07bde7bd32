package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/**
 * An app brought under blue-green: {@code deployment} ({@code color}) runs a copy of {@code adoptedFrom}'s pod
 * template and the Service now selects it. The Deployments in {@code leftRunning} were not touched — they no longer
 * receive traffic from the Service; delete them when satisfied.
 */
public record AdoptionResult(
        String app,
        String service,
        Color color,
        String deployment,
        String adoptedFrom,
        int replicas,
        List<String> leftRunning) {
    public AdoptionResult {
        leftRunning = List.copyOf(leftRunning);
    }
}
