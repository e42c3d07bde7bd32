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
 */
public record AppStatus(String app, String namespace, String service, Color liveColor, Color idleColor,
                        Color previousColor, Map<String, ColorStatus> colors, List<HistoryEntry> history,
                        LockInfo lock) {
    public AppStatus {
        colors = Map.copyOf(colors);
        history = List.copyOf(history);
    }

    public ColorStatus color(Color color) {
        return colors.get(color.label());
    }

    public boolean adopted() {
        return liveColor != null;
    }
}
