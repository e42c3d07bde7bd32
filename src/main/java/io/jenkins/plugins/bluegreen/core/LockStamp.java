package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The deploy lock's tenure as the deploy saw it, stamped on the colour it deployed ({@code bluegreen.jenkins.io/lock}),
 * so the switch of that release can prove it holds the lock from the Deployment it reads anyway, instead of reading
 * the Lease. Why trusting it is safe: docs/architecture.md, "Lock stamp".
 *
 * @param historyHead the {@code switchedAt} of the newest history entry of the live Service when the deploy decided,
 *                    or {@code "none"}
 */
record LockStamp(String holder, Instant renewedAt, Duration leaseDuration, String historyHead) {
    static final String NO_HISTORY = "none";
    private static final String UNREADABLE = "unreadable";

    /** The stamp for a deploy that holds {@code lease} and decided on {@code service}; empty if the Lease lacks times. */
    static Optional<String> encode(Lease lease, Service service) {
        if (lease.getSpec() == null
                || lease.getSpec().getRenewTime() == null
                || lease.getSpec().getLeaseDurationSeconds() == null
                || lease.getSpec().getHolderIdentity() == null
                || UNREADABLE.equals(historyHead(service))) {
            return Optional.empty();
        }
        return Optional.of("renewed=" + lease.getSpec().getRenewTime().toInstant() + ";seconds="
                + lease.getSpec().getLeaseDurationSeconds() + ";after=" + historyHead(service)
                + ";holder=" + lease.getSpec().getHolderIdentity());
    }

    /** The stamp on {@code object}, or empty when it has none or one that does not parse (then it proves nothing). */
    static Optional<LockStamp> on(HasMetadata object) {
        String value = Labels.annotation(object, StateKeys.LOCK);
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(";", 4); // the holder comes last and may itself contain ';'
        if (parts.length != 4
                || !parts[0].startsWith("renewed=")
                || !parts[1].startsWith("seconds=")
                || !parts[2].startsWith("after=")
                || !parts[3].startsWith("holder=")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new LockStamp(
                    parts[3].substring("holder=".length()),
                    Instant.parse(parts[0].substring("renewed=".length())),
                    Duration.ofSeconds(Long.parseLong(parts[1].substring("seconds=".length()))),
                    parts[2].substring("after=".length())));
        } catch (DateTimeParseException | NumberFormatException handEdited) {
            return Optional.empty();
        }
    }

    /**
     * Whether this stamp proves that {@code holder} holds the lock now and until the operation is done: same holder,
     * at least {@code margin} left of the tenure, and no traffic change recorded on {@code service} since the deploy.
     */
    boolean proves(String holder, Instant now, Duration margin, Service service) {
        String head = historyHead(service);
        return this.holder.equals(holder)
                && now.plus(margin).isBefore(renewedAt.plus(leaseDuration))
                && !UNREADABLE.equals(head)
                && historyHead.equals(head);
    }

    /** Drops the stamps of the holders {@code whose} accepts from both colours' Deployments. */
    static void removeAll(Cluster cluster, App app, Predicate<String> whose) {
        for (Color color : Color.values()) {
            Optional<Deployment> deployment = cluster.deployment(app.deployment(color));
            if (deployment.isEmpty()
                    || on(deployment.get()).filter(s -> whose.test(s.holder())).isEmpty()) {
                continue;
            }
            cluster.editDeployment(app.deployment(color), deployment.get(), d -> {
                if (on(d).filter(s -> whose.test(s.holder())).isEmpty()) {
                    return Optional.empty();
                }
                Map<String, String> annotations = DeploymentAnnotations.copyOf(d);
                annotations.remove(StateKeys.LOCK);
                return Optional.of(DeploymentAnnotations.with(d, annotations));
            });
        }
    }

    static String historyHead(Service service) {
        try {
            List<HistoryEntry> entries = new ReleaseHistory().decode(Labels.annotation(service, StateKeys.HISTORY));
            return entries.isEmpty() || entries.get(0).switchedAt() == null
                    ? NO_HISTORY
                    : entries.get(0).switchedAt().toString();
        } catch (ReleaseHistory.UnreadableHistoryException unreadable) {
            // cannot tell whether traffic changed since: a value no stamp carries, so the lock is read instead
            return UNREADABLE;
        }
    }
}
