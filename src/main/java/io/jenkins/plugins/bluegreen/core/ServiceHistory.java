package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Service;
import java.util.List;

/** The release history recorded on a live Service, as the decisions that need only its newest entry read it. */
final class ServiceHistory {
    private ServiceHistory() {}

    /**
     * The newest entry — the last traffic change the engine recorded; null when there is none or the annotation is
     * unreadable (the writers warn about that when they replace it).
     */
    static HistoryEntry head(Service service) {
        try {
            List<HistoryEntry> entries = new ReleaseHistory().decode(Labels.annotation(service, StateKeys.HISTORY));
            return entries.isEmpty() ? null : entries.get(0);
        } catch (ReleaseHistory.UnreadableHistoryException e) {
            return null;
        }
    }
}
