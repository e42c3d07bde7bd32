package io.jenkins.plugins.bluegreen.core;

import java.util.List;
import java.util.Map;

/**
 * Everything {@code bluegreen status} shows, read from the cluster.
 *
 * @param liveColor     the colour the Service selects; null when the app is not under blue-green yet
 * @param idleColor     the other colour; null when not under blue-green
 * @param previousColor the {@code previous-color} annotation, or null
 * @param colors        keyed by {@code blue} and {@code green} (always both)
 * @param history       newest first
 * @param lock          the lock Lease, or null when none exists
 * @param serving       what the Service's endpoints give users: their pods, colours and what is wrong with them
 */
public record AppStatus(
        String app,
        String namespace,
        String service,
        Color liveColor,
        Color idleColor,
        Color previousColor,
        Map<String, ColorStatus> colors,
        List<HistoryEntry> history,
        LockInfo lock,
        ServingStatus serving) {
    public AppStatus {
        colors = Map.copyOf(colors);
        history = List.copyOf(history);
    }

    public ColorStatus color(Color color) {
        return colors.get(color.label());
    }

    /** Whether users get ready pods of the live colour (and only those): {@code status} exits 1 otherwise. */
    public boolean serves() {
        return serving == null || serving.ok();
    }

    public boolean adopted() {
        return liveColor != null;
    }
}
