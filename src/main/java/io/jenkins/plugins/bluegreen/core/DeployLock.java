package io.jenkins.plugins.bluegreen.core;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchType;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The per-app lock: a coordination.k8s.io/v1 Lease {@code <app>-bluegreen} naming its holder, visible with
 * {@code kubectl get lease}. Every change is a create or a resourceVersion-guarded update, so of two acquirers only
 * one wins; the loser re-reads and re-decides. Re-entrant for the same holder (acquiring again renews). A lease
 * not renewed within its duration has expired and can be taken. Released by clearing the holder, like client-go's
 * leader election, so the Lease keeps its transition count.
 */
final class DeployLock {
    private static final String APP_LABEL = "app.kubernetes.io/managed-by";
    /**
     * A short operation (switch, abandon) that finds the lock already its own with at least this much time left
     * does not renew it: nobody else can take an unexpired Lease, so the renewal would be a write that buys nothing.
     */
    static final Duration SHORT_OPERATION_MARGIN = Duration.ofMinutes(1);
    /**
     * Lost races (409) on the Lease before giving up. Each one means another writer changed the Lease in between, so
     * re-reading decides again; but a Lease that changes on every attempt (or an API server that answers 409 to every
     * write) must end the operation, not spin it forever.
     */
    static final int MAX_LOST_RACES = 10;

    /**
     * The lock as held: the Lease as last read or written, so releasing it needs no read first.
     *
     * @param contended another holder had the Lease before us (we waited for it, took it when it expired or took it
     *                  over), or we lost a race for it: whatever the caller read of the app before taking the lock may
     *                  have changed since, so it must read again before deciding what to write
     */
    record Held(String app, String holder, Lease lease, boolean contended) {
        /** Proven by the stamp on the colour the holder deployed ({@link LockStamp}); the Lease was not read. */
        static Held stamped(String app, String holder) {
            return new Held(app, holder, null, false);
        }
    }

    /** The holder of a released Lease. */
    private static final String FREE = "";

    private final EngineContext context;
    private final Cluster cluster;

    DeployLock(EngineContext context) {
        this.context = context;
        this.cluster = context.cluster();
    }

    Optional<LockInfo> read(String app) {
        return cluster.lease(leaseName(app)).map(lease -> info(app, lease));
    }

    LockInfo acquire(String app, String holder, Duration wait) {
        return info(app, take(app, holder, wait, true, null).lease());
    }

    /** For a long operation (one that may await a rollout): like {@link #acquire}, keeping the Lease. */
    Held hold(String app, String holder, Duration wait) {
        return take(app, holder, wait, true, null);
    }

    /** {@link #hold}, also taking a lock {@code takesBackFrom} holds (null: none) as if it were free. */
    Held hold(String app, String holder, Duration wait, String takesBackFrom) {
        return take(app, holder, wait, true, takesBackFrom);
    }

    /**
     * For a short operation: like {@link #acquire}, but a lock the holder already has with more than
     * {@link #SHORT_OPERATION_MARGIN} left is used as it is (one read, no write).
     */
    Held holdBriefly(String app, String holder, Duration wait) {
        return take(app, holder, wait, false, null);
    }

    /**
     * The lock without reading the Lease, when the colour about to be switched to carries the holder's stamp from its
     * deploy and the stamp still proves the tenure ({@link LockStamp}: same holder, a margin left, no traffic change
     * recorded since). Empty otherwise; then the caller reads the Lease ({@link #holdBriefly}).
     */
    Optional<Held> provenByStamp(String app, String holder, io.fabric8.kubernetes.api.model.apps.Deployment target,
                                 io.fabric8.kubernetes.api.model.Service service) {
        if (target == null || service == null) {
            return Optional.empty();
        }
        return LockStamp.on(target)
                .filter(stamp -> stamp.proves(holder, context.clock().instant(), SHORT_OPERATION_MARGIN, service))
                .map(stamp -> Held.stamped(app, holder));
    }

    /**
     * For a short operation by a holder that usually finds the lock free (a rollback after the release went live):
     * takes a released Lease with one JSON patch, no read — its {@code test} that the holder is empty makes the API
     * server refuse it if anyone holds the Lease by then, expired or not. Refused, missing or never released: reads
     * the Lease and decides as {@link #holdBriefly} does. Taken from nobody, so never contended. The transition count
     * is left as it is (a patch cannot add one to it without reading it).
     */
    Held holdBrieflyIfFree(String app, String holder, Duration wait) {
        Instant now = context.clock().instant();
        String patch = "[{\"op\":\"test\",\"path\":\"/spec/holderIdentity\",\"value\":\"\"},"
                + "{\"op\":\"replace\",\"path\":\"/spec/holderIdentity\",\"value\":" + json(holder) + "},"
                + "{\"op\":\"add\",\"path\":\"/spec/acquireTime\",\"value\":\"" + microTime(now) + "\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/renewTime\",\"value\":\"" + microTime(now) + "\"},"
                + "{\"op\":\"add\",\"path\":\"/spec/leaseDurationSeconds\",\"value\":"
                + context.settings().leaseDuration().toSeconds() + "}]";
        Lease named = new LeaseBuilder().withNewMetadata().withName(leaseName(app)).withNamespace(context.namespace())
                .endMetadata().build();
        return cluster.patch(named, PatchType.JSON, patch, l -> l.getSpec() != null
                        && holder.equals(l.getSpec().getHolderIdentity()))
                .map(taken -> new Held(app, holder, taken, false))
                .orElseGet(() -> holdBriefly(app, holder, wait));
    }

    /**
     * Moves the Lease's renewTime to now if {@code holder} holds it at this moment, with one JSON patch: its
     * {@code test} on the holder makes the API server refuse it (422) when the Lease is free or someone else's, so a
     * renewal never takes a lock. The acquire time, duration and transition count stay as they are. A Lease that
     * expired but still names the holder is renewed: nobody took it meanwhile, which is what the re-entrant
     * {@link #acquire} decides too. Returns false when the Lease is gone, free or held by another.
     */
    boolean renew(String app, String holder) {
        String renewedAt = microTime(context.clock().instant());
        String patch = "[{\"op\":\"test\",\"path\":\"/spec/holderIdentity\",\"value\":" + json(holder) + "},"
                + "{\"op\":\"add\",\"path\":\"/spec/renewTime\",\"value\":\"" + renewedAt + "\"}]";
        Lease named = new LeaseBuilder().withNewMetadata().withName(leaseName(app)).withNamespace(context.namespace())
                .endMetadata().build();
        // an answer lost after the patch landed: the Lease then shows our holder with exactly our renewTime
        Instant written = Instant.parse(renewedAt);
        return cluster.patch(named, PatchType.JSON, patch, l -> l.getSpec() != null
                        && holder.equals(l.getSpec().getHolderIdentity()) && l.getSpec().getRenewTime() != null
                        && written.equals(l.getSpec().getRenewTime().toInstant()))
                .isPresent();
    }

    /** A Lease time as the API server writes it (RFC 3339 with microseconds). */
    private static String microTime(Instant instant) {
        return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
                .format(instant.atZone(ZoneOffset.UTC));
    }

    private Held take(String app, String holder, Duration wait, boolean renewOwn, String takesBackFrom) {
        // a dry run never waits for another holder: it reports the lock held, as a run without a lock wait would
        Instant deadline = context.clock().instant().plus(wait == null || context.dryRun() ? Duration.ZERO : wait);
        boolean announcedWait = false;
        boolean contended = false;
        int lostRaces = 0;
        while (true) {
            Optional<Lease> current = cluster.lease(leaseName(app));
            Instant now = context.clock().instant();
            try {
                if (current.isEmpty()) {
                    return new Held(app, holder, create(app, holder, now), contended);
                }
                LockInfo info = info(app, current.get());
                if (!renewOwn && holder.equals(info.holder()) && info.expiresAt() != null
                        && info.expiresAt().isAfter(now.plus(SHORT_OPERATION_MARGIN))) {
                    return new Held(app, holder, current.get(), contended);
                }
                if (!info.isHeldAt(now) || holder.equals(info.holder())
                        || (takesBackFrom != null && takesBackFrom.equals(info.holder()))) {
                    // an expired holder may have written up to its last moment
                    boolean fromAnother = info.holder() != null && !holder.equals(info.holder());
                    return new Held(app, holder, claim(current.get(), holder, now), contended || fromAnother);
                }
                contended = true;
                if (!now.isBefore(deadline)) {
                    throw new LockHeldException(info, "wait until it is released or expires, or retry with a longer "
                            + "lock wait; if its holder is dead, clear the lock with unlock (traffic is not touched) "
                            + "and abandon its release if it is not wanted; a rollback can take it over explicitly");
                }
                if (!announcedWait) {
                    context.listener().info("waiting for the deploy lock of " + app + ", held by " + info.holder());
                    announcedWait = true;
                }
                Instant wakeUp = info.expiresAt() != null && info.expiresAt().isBefore(deadline) ? info.expiresAt()
                        : deadline;
                awaitChange(leaseName(app), current.get().getMetadata().getResourceVersion(),
                        Duration.between(now, wakeUp));
            } catch (StaleObjectException lostRace) {
                // someone else wrote the Lease between our read and write: read again and decide again
                contended = true;
                requireFewLostRaces(app, ++lostRaces, "taking");
            }
        }
    }

    LockInfo takeOver(String app, String holder) {
        return info(app, takeOverHeld(app, holder).lease());
    }

    Held takeOverHeld(String app, String holder) {
        boolean contended = false;
        int lostRaces = 0;
        while (true) {
            Optional<Lease> current = cluster.lease(leaseName(app));
            Instant now = context.clock().instant();
            try {
                if (current.isEmpty()) {
                    return new Held(app, holder, create(app, holder, now), contended);
                }
                LockInfo previous = info(app, current.get());
                if (previous.isHeldAt(now) && !holder.equals(previous.holder())) {
                    context.listener().warn("taking over the deploy lock of " + app + " from " + previous.holder()
                            + " (acquired " + previous.acquiredAt() + ")");
                }
                boolean fromAnother = previous.holder() != null && !holder.equals(previous.holder());
                Held held = new Held(app, holder, claim(current.get(), holder, now), contended || fromAnother);
                // the previous holder's stamp would still prove its tenure to its own switch (LockStamp): void it
                try {
                    forgetStamps(app, stampHolder -> !holder.equals(stampHolder));
                } catch (BlueGreenException e) {
                    context.listener().warn("took over the deploy lock of " + app + ", but the previous holder's lock "
                            + "stamp could not be removed from its Deployment, so a switch it has pending could still go "
                            + "ahead; retry the take-over");
                    throw e;
                }
                return held;
            } catch (StaleObjectException lostRace) {
                // re-read and take again
                contended = true;
                requireFewLostRaces(app, ++lostRaces, "taking over");
            }
        }
    }

    /**
     * Clears the lock of {@code holder} — a dead process or build — without touching traffic: only if {@code holder}
     * holds it at the moment of the write (a guarded update; someone who took it meanwhile keeps it). The holder's
     * lock stamps go first, as for any release. The Lease records who cleared whose lock and when
     * ({@link #UNLOCKED}), readable with kubectl and shown by status.
     *
     * @return the lock as it was cleared; empty when it was free (or gone) already
     * @throws LockHeldException when someone else holds it now
     */
    Optional<LockInfo> unlock(String app, String holder, String by) {
        int lostRaces = 0;
        while (true) {
            Optional<Lease> current = cluster.lease(leaseName(app));
            if (current.isEmpty()) {
                return Optional.empty();
            }
            LockInfo info = info(app, current.get());
            if (info.holder() == null) {
                return Optional.empty();
            }
            if (!holder.equals(info.holder())) {
                throw new LockHeldException(info, "it is held by " + info.holder() + " now, not by " + holder
                        + "; nothing was changed (clear a holder's lock only when that holder is dead)");
            }
            forgetStamps(app, holder::equals);
            Map<String, String> annotations = new java.util.LinkedHashMap<>(
                    current.get().getMetadata().getAnnotations() == null ? Map.of()
                            : current.get().getMetadata().getAnnotations());
            String record = holder + " cleared by " + by + " at " + context.clock().instant();
            annotations.put(UNLOCKED, record);
            Lease released = new LeaseBuilder(current.get()).editMetadata().withAnnotations(annotations).endMetadata()
                    .editSpec().withHolderIdentity(FREE).withAcquireTime(null).withRenewTime(null).endSpec().build();
            try {
                cluster.update(released, l -> record.equals(l.getMetadata().getAnnotations() == null ? null
                        : l.getMetadata().getAnnotations().get(UNLOCKED)));
                context.listener().info("cleared the deploy lock of " + app + " held by " + holder + " (recorded on "
                        + "Lease " + leaseName(app) + "); traffic was not touched");
                return Optional.of(info);
            } catch (StaleObjectException lostRace) {
                requireFewLostRaces(app, ++lostRaces, "clearing");
            }
        }
    }

    /**
     * Moves the lock from {@code from} to {@code to} when {@code from} holds it at the moment of the write (a guarded
     * update), renewing it; e.g. the CLI hands a finished invocation's lock to the person's next command. The stamps of
     * {@code from} go first: its tenure ends here.
     *
     * @return whether it moved; false when the lock is free, gone, or held by anyone but {@code from}
     */
    boolean handOver(String app, String from, String to) {
        int lostRaces = 0;
        while (true) {
            Optional<Lease> current = cluster.lease(leaseName(app));
            if (current.isEmpty() || !from.equals(current.get().getSpec().getHolderIdentity())) {
                return false;
            }
            forgetStamps(app, from::equals);
            Instant now = context.clock().instant();
            Lease moved = new LeaseBuilder(current.get()).editSpec().withHolderIdentity(to).withRenewTime(time(now))
                    .endSpec().build();
            try {
                cluster.update(moved, l -> to.equals(l.getSpec().getHolderIdentity()));
                return true;
            } catch (StaleObjectException lostRace) {
                requireFewLostRaces(app, ++lostRaces, "handing over");
            }
        }
    }

    /** On the Lease: the last lock cleared by {@link #unlock} — whose, by whom, when. */
    static final String UNLOCKED = StateKeys.PREFIX + "last-unlock";

    /**
     * Clears the holder if {@code holder} has it; a lock held by someone else is left alone. The holder's stamps are
     * dropped first: released, the Lease may be taken by anyone, and a stamp must not outlive the tenure it proves.
     */
    boolean release(String app, String holder) {
        forgetStamps(app, holder::equals);
        return releaseLease(app, holder);
    }

    private boolean releaseLease(String app, String holder) {
        int lostRaces = 0;
        while (true) {
            Optional<Lease> current = cluster.lease(leaseName(app));
            if (current.isEmpty() || !holder.equals(current.get().getSpec().getHolderIdentity())) {
                return false;
            }
            try {
                cleared(current.get());
                return true;
            } catch (StaleObjectException lostRace) {
                // renewed or taken meanwhile: look again
                requireFewLostRaces(app, ++lostRaces, "releasing");
            }
        }
    }

    /**
     * Gives the lock back when an operation ends without a recorded traffic change (a refusal, a failure): the
     * holder's stamps are dropped first, as for {@link #release(String, String)}. If that fails, the lock is kept — it
     * expires by itself — rather than released with a stamp that would still vouch for it; said as a warning.
     */
    boolean release(Held held) {
        try {
            forgetStamps(held.app(), held.holder()::equals);
        } catch (BlueGreenException e) {
            context.listener().warn("the deploy lock of " + held.app() + " is kept until it expires: the lock stamp on "
                    + "its Deployments could not be removed first (" + e.getMessage() + ")");
            return false;
        }
        return releaseLease(held);
    }

    /**
     * Releases the Lease this process holds without reading it first: against the copy it knows (re-reading only if
     * that is stale), or, for a lock proven by its stamp, with a JSON patch whose {@code test} on the holder makes the
     * API server refuse it when the Lease is no longer ours — a lock someone took over is never released by us.
     */
    private boolean releaseLease(Held held) {
        if (held.lease() == null) {
            String patch = "[{\"op\":\"test\",\"path\":\"/spec/holderIdentity\",\"value\":" + json(held.holder())
                    + "},{\"op\":\"replace\",\"path\":\"/spec/holderIdentity\",\"value\":\"\"},"
                    + "{\"op\":\"remove\",\"path\":\"/spec/acquireTime\"},"
                    + "{\"op\":\"remove\",\"path\":\"/spec/renewTime\"}]";
            Lease named = new LeaseBuilder().withNewMetadata().withName(leaseName(held.app()))
                    .withNamespace(context.namespace()).endMetadata().build();
            if (cluster.patch(named, PatchType.JSON, patch,
                    l -> l.getSpec() == null || !held.holder().equals(l.getSpec().getHolderIdentity())).isPresent()) {
                return true;
            }
            // refused: not ours any more, gone, or a Lease edited by hand without the times — look at it
            return releaseLease(held.app(), held.holder());
        }
        try {
            cleared(held.lease());
            return true;
        } catch (StaleObjectException changedMeanwhile) {
            return releaseLease(held.app(), held.holder());
        }
    }

    /**
     * Releases the lock once the operation's change is made and recorded — a traffic change (the Service's new
     * history head voids every stamp), or an abandon (which removed the stamp in its own write) — so no stamp needs
     * dropping. Failing to release must not turn a change that is done into a reported failure — the caller would
     * retry or undo something that happened; the lock then simply expires, which is what a crashed holder's lock
     * does too. Said as a warning.
     */
    void releaseAfterSuccess(Held held) {
        try {
            releaseLease(held);
        } catch (BlueGreenException e) {
            Instant expires = held.lease() == null ? null : info(held.app(), held.lease()).expiresAt();
            context.listener().warn("the deploy lock of " + held.app() + " could not be released (" + e.getMessage()
                    + "); it stays held by " + held.holder() + (expires == null ? " until it expires" : " until it expires at " + expires)
                    + " — the change itself is done; the same holder can go on, others wait for the expiry");
        }
    }

    /**
     * Releases the lock after a switch or rollback: without a read when this operation's own Service write moved
     * traffic ({@code recorded}: that write put a new head on the history, which voids the holder's stamps); when it
     * found the target already live — switched by someone else, perhaps by hand, leaving the history as it was — the
     * stamps are dropped first, as for any release that follows no traffic change of ours.
     */
    void releaseAfterSwitch(Held held, boolean recorded) {
        if (recorded) {
            releaseAfterSuccess(held);
            return;
        }
        try {
            release(held);
        } catch (BlueGreenException e) {
            context.listener().warn("the deploy lock of " + held.app() + " could not be released (" + e.getMessage()
                    + "); it expires by itself");
        }
    }

    /**
     * After a switch that is to be verified: the lock moves from the switch's holder to {@code to} (the verification)
     * instead of being released, with one JSON patch whose {@code test} on the holder makes the API server refuse it
     * when the Lease is no longer ours. The Service write just put a new head on the history, which voided the
     * holder's stamps, so none need dropping (as for {@link #releaseAfterSuccess}). Its own name, not the switch's:
     * the switch's holder would otherwise continue it (a CLI deploy takes back its session's lock, a pipeline's
     * next deploy is the same holder) and overwrite the colour a revert needs.
     *
     * @return the lock as the verification holds it (release it with {@link #releaseAfterSuccess}); empty when it
     *         could not be moved (said as a warning: the verification then runs without the lock)
     */
    Optional<Held> passTo(Held held, String to) {
        Instant now = context.clock().instant();
        String patch = "[{\"op\":\"test\",\"path\":\"/spec/holderIdentity\",\"value\":" + json(held.holder())
                + "},{\"op\":\"replace\",\"path\":\"/spec/holderIdentity\",\"value\":" + json(to) + "},"
                + "{\"op\":\"add\",\"path\":\"/spec/renewTime\",\"value\":\"" + microTime(now) + "\"}]";
        Lease named = new LeaseBuilder().withNewMetadata().withName(leaseName(held.app()))
                .withNamespace(context.namespace()).endMetadata().build();
        try {
            if (cluster.patch(named, PatchType.JSON, patch, l -> l.getSpec() != null
                    && to.equals(l.getSpec().getHolderIdentity())).isPresent()) {
                return Optional.of(Held.stamped(held.app(), to));
            }
        } catch (BlueGreenException e) {
            context.listener().warn("the deploy lock of " + held.app() + " could not be kept for the verification ("
                    + e.getMessage() + "); verifying without it");
            return Optional.empty();
        }
        context.listener().warn("the deploy lock of " + held.app() + " is no longer held by " + held.holder()
                + " (taken over?); verifying without it");
        return Optional.empty();
    }

    /** Drops the lock stamps of the holders {@code whose} accepts from both colours' Deployments. */
    private void forgetStamps(String app, java.util.function.Predicate<String> whose) {
        for (Color color : Color.values()) {
            String name = context.settings().deploymentName(app, color);
            Optional<io.fabric8.kubernetes.api.model.apps.Deployment> deployment = cluster.deployment(name);
            if (deployment.isEmpty() || LockStamp.on(deployment.get()).filter(s -> whose.test(s.holder())).isEmpty()) {
                continue;
            }
            cluster.editDeployment(name, deployment.get(), d -> {
                if (LockStamp.on(d).filter(s -> whose.test(s.holder())).isEmpty()) {
                    return Optional.empty();
                }
                Map<String, String> annotations = DeploymentAnnotations.copyOf(d);
                annotations.remove(StateKeys.LOCK);
                return Optional.of(DeploymentAnnotations.with(d, annotations));
            });
        }
    }

    private static String json(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> out.append(c < 0x20 ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
        }
        return out.append('"').toString();
    }

    private void requireFewLostRaces(String app, int lostRaces, String doing) {
        if (lostRaces >= MAX_LOST_RACES) {
            throw new ConflictException("the deploy lock Lease " + leaseName(app) + " changed on each of " + lostRaces
                    + " attempts at " + doing + " it; nothing was overwritten — check who else writes it (kubectl -n "
                    + context.namespace() + " get lease " + leaseName(app) + " -o yaml) and retry");
        }
    }

    private void cleared(Lease lease) {
        // an empty holder, not none: a JSON patch can test for "" (takeIfFree), not for an absent field
        Lease released = new LeaseBuilder(lease).editSpec().withHolderIdentity(FREE).withAcquireTime(null)
                .withRenewTime(null).endSpec().build();
        cluster.update(released, l -> !Objects.equals(lease.getSpec().getHolderIdentity(), l.getSpec().getHolderIdentity()));
    }

    private Lease create(String app, String holder, Instant now) {
        Lease lease = new LeaseBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(leaseName(app)).withNamespace(context.namespace())
                        .withLabels(Map.of(APP_LABEL, "blue-green-deploy")).build())
                .withSpec(new LeaseSpec(time(now), holder, (int) context.settings().leaseDuration().toSeconds(), 0,
                        null, time(now), null))
                .build();
        return cluster.create(lease, l -> holder.equals(l.getSpec().getHolderIdentity()));
    }

    private Lease claim(Lease current, String holder, Instant now) {
        LeaseSpec spec = current.getSpec() == null ? new LeaseSpec() : current.getSpec();
        boolean sameHolder = holder.equals(spec.getHolderIdentity());
        int transitions = spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions();
        Lease taken = new LeaseBuilder(current).withSpec(new LeaseSpec(
                sameHolder && spec.getAcquireTime() != null ? spec.getAcquireTime() : time(now), holder,
                (int) context.settings().leaseDuration().toSeconds(), sameHolder ? transitions : transitions + 1,
                null, time(now), null)).build();
        return cluster.update(taken, l -> holder.equals(l.getSpec().getHolderIdentity()));
    }

    /**
     * Completes once the Lease is no longer as {@code seen} (released, renewed, taken, deleted), once it expires, or at
     * {@code until}, whichever comes first; a watch shared with the client's other waiters of that Lease
     * ({@link LeaseWatches}) and a timer meanwhile, no thread. A caller that waits for the lock
     * this way tries again when it completes. Cancelling the future closes the watch and drops the timer.
     */
    CompletableFuture<Void> changeAsync(String app, LockInfo seen, Instant until) {
        CompletableFuture<Void> changed = new CompletableFuture<>();
        context.executor().execute(() -> {
            if (changed.isDone()) {
                return;
            }
            try {
                // listen first, then read: a change after the read is an event; the shared watch may be old, so
                // events are judged against what the caller saw, not against a resourceVersion
                AutoCloseable listening = context.watches().leases().listen(context.namespace(), leaseName(app),
                        lease -> {
                            if (lease == null || !info(app, lease).equals(seen)) {
                                changed.complete(null);
                            }
                        });
                changed.whenComplete((ignored, failure) -> {
                    try {
                        listening.close();
                    } catch (Exception e) {
                        // a watch that does not close cleanly is dropped by the client
                    }
                });
                Optional<Lease> current = cluster.lease(leaseName(app));
                Instant now = context.clock().instant();
                if (current.isEmpty() || !info(app, current.get()).equals(seen) || !now.isBefore(until)) {
                    changed.complete(null);
                    return;
                }
                Instant expires = seen.expiresAt();
                Instant wakeUp = expires != null && expires.isBefore(until) ? expires : until;
                changed.completeOnTimeout(null, Math.max(0, Duration.between(now, wakeUp).toMillis()) + 1,
                        TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                changed.completeExceptionally(ApiFailures.translate(e, "watching Lease " + leaseName(app)));
            }
        });
        return changed;
    }

    /** Blocks until the Lease changes (not merely re-announced by a reconnecting watch) or {@code max} passes. */
    @SuppressFBWarnings(value = "RV_RETURN_VALUE_IGNORED",
            justification = "a change and a timeout end the wait alike: the caller reads the Lease again either way")
    private void awaitChange(String leaseName, String seenVersion, Duration max) {
        CountDownLatch changed = new CountDownLatch(1);
        Watcher<Lease> watcher = new Watcher<>() {
            @Override
            public void eventReceived(Action action, Lease lease) {
                if (action == Action.DELETED || !Objects.equals(seenVersion, lease.getMetadata().getResourceVersion())) {
                    changed.countDown();
                }
            }

            @Override
            public void onClose(WatcherException cause) {
                changed.countDown(); // re-read rather than trust a broken watch
            }
        };
        Watch watch = cluster.call("watching Lease " + leaseName,
                () -> context.client().leases().inNamespace(context.namespace()).withName(leaseName).watch(watcher));
        try {
            if (!max.isNegative() && !max.isZero()) {
                changed.await(max.toMillis() + 1, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlueGreenException("interrupted while waiting for the deploy lock", e);
        } finally {
            watch.close();
        }
    }

    private LockInfo info(String app, Lease lease) {
        LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
        Integer seconds = spec.getLeaseDurationSeconds();
        String holder = spec.getHolderIdentity() == null || spec.getHolderIdentity().isEmpty() ? null
                : spec.getHolderIdentity();
        return new LockInfo(app, lease.getMetadata().getName(), holder, instant(spec.getAcquireTime()),
                instant(spec.getRenewTime()), seconds == null ? null : Duration.ofSeconds(seconds));
    }

    private String leaseName(String app) {
        return context.settings().leaseName(app);
    }

    private static ZonedDateTime time(Instant instant) {
        return instant.atZone(ZoneOffset.UTC);
    }

    private static Instant instant(ZonedDateTime time) {
        return time == null ? null : time.toInstant();
    }
}
