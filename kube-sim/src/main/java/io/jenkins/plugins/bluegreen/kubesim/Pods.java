package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Small questions controllers ask about objects. */
final class Pods {

    private Pods() {}

    static boolean isReady(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    static boolean isTerminating(HasMetadata o) {
        return o.getMetadata().getDeletionTimestamp() != null;
    }

    static boolean isOwnedBy(HasMetadata o, HasMetadata owner) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        return refs != null
                && refs.stream()
                        .anyMatch(r -> r.getUid().equals(owner.getMetadata().getUid()));
    }

    static String controllerUid(HasMetadata o) {
        List<OwnerReference> refs = o.getMetadata().getOwnerReferences();
        if (refs == null) {
            return null;
        }
        return refs.stream()
                .filter(r -> Boolean.TRUE.equals(r.getController()))
                .map(OwnerReference::getUid)
                .findFirst()
                .orElse(null);
    }

    static OwnerReference controllerRef(HasMetadata owner) {
        OwnerReference ref = new OwnerReference();
        ref.setApiVersion(owner.getApiVersion());
        ref.setKind(owner.getKind());
        ref.setName(owner.getMetadata().getName());
        ref.setUid(owner.getMetadata().getUid());
        ref.setController(true);
        ref.setBlockOwnerDeletion(true);
        return ref;
    }

    /** Kubernetes timestamps: RFC 3339, whole seconds, UTC. */
    static String now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
