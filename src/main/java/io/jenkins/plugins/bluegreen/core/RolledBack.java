package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The release a rollback took out of service, read from the history: when the newest entry is a rollback, the entry
 * before it is the release rolled back, and the idle colour still holds it unless it was redeployed since. Such a
 * release goes live again only when a person switches to its colour by name.
 *
 * @param rollback the newest history entry (the rollback)
 * @param release  the entry it undid (the rolled-back release), or null when the history does not reach back
 */
record RolledBack(HistoryEntry rollback, HistoryEntry release) {

    /** The rolled-back release the idle colour holds, if it holds one. */
    static Optional<RolledBack> heldByIdle(AppState state, List<HistoryEntry> history) {
        if (history.isEmpty()
                || !history.get(0).undidRelease()
                || history.get(0).switchedAt() == null
                || state.idleColor() == null) {
            return Optional.empty();
        }
        HistoryEntry rollback = history.get(0);
        Optional<Deployment> idle = state.deployment(state.idleColor());
        if (idle.isEmpty()) {
            return Optional.empty();
        }
        if (idleRedeployedSince(state, rollback.switchedAt())) {
            return Optional.empty(); // a new release since the rollback: not the one rolled back
        }
        HistoryEntry release =
                history.size() > 1 && history.get(1).color() == state.idleColor() ? history.get(1) : null;
        return Optional.of(new RolledBack(rollback, release));
    }

    /** Whether the idle colour holds a release deployed after {@code traffic} moved (a new one, not one it left). */
    static boolean idleRedeployedSince(AppState state, Instant traffic) {
        Instant deployedAt = state.deployment(state.idleColor())
                .map(d -> new DeploymentView(d).instantAnnotation(StateKeys.DEPLOYED_AT))
                .orElse(null);
        return deployedAt != null && deployedAt.isAfter(traffic);
    }

    /** What a refused operation says: what is live, what was rolled back, and the deliberate way back. */
    String refusal(AppState state, String refused) {
        Color idle = state.idleColor();
        String what = release == null
                ? "the release it rolled back"
                : "release " + nz(release.revision())
                        + (release.images().isEmpty() ? "" : " (" + String.join(",", release.images()) + ")");
        return refused + ": the last traffic change was already a rollback — " + state.liveColor() + " ("
                + nz(rollback.revision()) + ") serves since " + rollback.switchedAt()
                + (rollback.approvedBy() == null ? "" : ", rolled back by " + rollback.approvedBy())
                + ", and " + idle + " holds " + what + ", which a rollback took out of service. Nothing was written. "
                + "A rolled-back release goes live again only when a person names it: switch to " + idle
                + " by name (bluegreen switch --to " + idle + "; switchTraffic to: '" + idle + "'), or deploy a new "
                + "version";
    }

    private static String nz(String s) {
        return s == null || s.isBlank() ? "unknown revision" : s;
    }
}
