package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A deploy in progress, announced on the live Service ({@code bluegreen.jenkins.io/deploying} =
 * {@code color=<idle>;since=<time>;holder=<holder>}) before the deploy touches the idle colour: the Service's
 * resourceVersion then arbitrates between the deploy and a rollback without the lock ({@link FastRollback}).
 * Removed by the switch's own Service write, or by abandon. Why no order sends traffic to a colour being written:
 * docs/architecture.md, "The Service as arbiter".
 */
final class DeployAnnouncement {
    private final EngineContext context;

    DeployAnnouncement(EngineContext context) {
        this.context = context;
    }

    /** The announcement on {@code service}, or null. */
    static String on(Service service) {
        return Labels.annotation(service, StateKeys.DEPLOYING);
    }

    static String value(Color idle, Instant since, String holder) {
        return "color=" + idle.label() + ";since=" + since + ";holder=" + holder;
    }

    /**
     * Writes the announcement onto {@code read}, guarded by its resourceVersion; records the release's preview Service
     * and the live colour's HPA (when known) in the same write.
     *
     * @return the Service as stored
     * @throws StaleObjectException when the Service changed since {@code read}: read again and decide again
     */
    Service announce(Service read, Color idle, String holder, String previewService, String hpa) {
        String value = value(idle, context.clock().instant(), holder);
        Map<String, String> annotations = new LinkedHashMap<>(
                read.getMetadata().getAnnotations() == null
                        ? Map.of()
                        : read.getMetadata().getAnnotations());
        annotations.put(StateKeys.DEPLOYING, value);
        if (previewService != null) {
            annotations.put(StateKeys.APP_PREVIEW_SERVICE, previewService);
        }
        if (hpa != null) {
            annotations.put(StateKeys.HPA, hpa);
        } else {
            annotations.remove(StateKeys.HPA); // none scales the live colour (any more): nothing to retarget
        }
        Service announced = new ServiceBuilder(read)
                .editMetadata()
                .withAnnotations(annotations)
                .endMetadata()
                .build();
        Service stored = context.cluster().update(announced, s -> value.equals(on(s)));
        context.listener()
                .info("announced the deploy into " + idle + " on Service "
                        + read.getMetadata().getName() + " (" + StateKeys.DEPLOYING + ")");
        return stored;
    }

    /**
     * Removes the announcement {@code read} carries, if the Service still carries that one: an update guarded by the
     * resourceVersion (re-read and decided again when it changed), so no verb beyond a switch's is needed. Failing is a
     * warning: what is left only sends rollbacks to their locked path.
     */
    void clear(Service read) {
        String value = on(read);
        if (value == null) {
            return;
        }
        String name = read.getMetadata().getName();
        ApiRetry.LostRaces lost = ApiRetry.Races.SERVICE_WRITE.count();
        Service current = read;
        try {
            // gone, or a newer deploy's: not ours to remove
            while (current != null && value.equals(on(current))) {
                Map<String, String> annotations =
                        new LinkedHashMap<>(current.getMetadata().getAnnotations());
                annotations.remove(StateKeys.DEPLOYING);
                Service cleared = new ServiceBuilder(current)
                        .editMetadata()
                        .withAnnotations(annotations)
                        .endMetadata()
                        .build();
                try {
                    context.cluster().update(cleared, s -> !value.equals(on(s)));
                    return;
                } catch (StaleObjectException changed) {
                    lost.lost(attempts ->
                            new ConflictException("Service " + name + " kept changing (" + attempts + " attempts)"));
                    current = context.cluster().service(name).orElse(null);
                }
            }
        } catch (BlueGreenException e) {
            context.listener()
                    .warn("could not remove the deploy announcement from Service " + name + " ("
                            + e.getMessage()
                            + "); until it is removed, rollbacks of this app take the deploy lock (the next "
                            + "switch or rollback removes it), or remove it with kubectl -n " + context.namespace()
                            + " annotate service " + name + " " + StateKeys.DEPLOYING + "-");
        }
    }
}
