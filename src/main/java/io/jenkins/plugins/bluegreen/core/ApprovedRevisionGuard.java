package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Keeps a switch to the revision a person approved: check, write, re-check. Just before the Service write the
 * target's pods are read and must all carry the approved pod-template-hash and report only the approved digests;
 * just after it the Deployment's pod template and the pods are read again. A Service write cannot be made
 * conditional on a Deployment, so the re-check is what closes the gap: an edit that landed between the check and
 * the write is still there when the re-check reads, and the Service is then put back as it was, guarded by the
 * resourceVersion our write produced. docs/architecture.md says what that covers and what it does not.
 */
final class ApprovedRevisionGuard {
    /** What the check saw, for the re-check to compare with. */
    record Checked(Color target, String deployment, Object template, Revision found) {}

    private final EngineContext context;
    private final Revision approved;
    /** A check the caller already made on {@link #checkedState}, so the write's first attempt need not read again. */
    private final AppState checkedState;

    private final Checked checkedOnState;

    ApprovedRevisionGuard(EngineContext context, Revision approved) {
        this(context, approved, null, null);
    }

    private ApprovedRevisionGuard(EngineContext context, Revision approved, AppState checkedState, Checked checked) {
        this.context = context;
        this.approved = Objects.requireNonNull(approved);
        this.checkedState = checkedState;
        this.checkedOnState = checked;
    }

    /** This guard, knowing that {@code state} was already checked with the result {@code checked}. */
    ApprovedRevisionGuard startingFrom(AppState state, Checked checked) {
        return new ApprovedRevisionGuard(context, approved, state, checked);
    }

    Revision approved() {
        return approved;
    }

    /**
     * Refuses ({@link RevisionChangedException}) unless {@code target} still runs the approved revision. A colour
     * that is absent or scaled to 0 is left to the preflight, which refuses it with its own reason.
     */
    Checked check(AppState state, Color target) {
        if (state == checkedState && checkedOnState != null && checkedOnState.target() == target) {
            return checkedOnState;
        }
        Deployment deployment = state.deployment(target).orElse(null);
        if (deployment == null || new DeploymentView(deployment).desiredReplicas() == 0) {
            return null;
        }
        String name = deployment.getMetadata().getName();
        if (!new DeploymentView(deployment).observedCurrentGeneration()) {
            throw refusal(
                    state.app(),
                    target,
                    name,
                    null,
                    "its Deployment was changed moments ago (generation "
                            + deployment.getMetadata().getGeneration() + ", not yet rolled out)");
        }
        List<Pod> pods = context.cluster().pods(matchLabels(deployment));
        Optional<String> change = changeIn(pods);
        if (change.isPresent()) {
            throw refusal(state.app(), target, name, found(pods), change.get());
        }
        return new Checked(target, name, template(deployment), found(pods));
    }

    /**
     * After the Service write: the change that landed since {@link #check}, or empty when {@code target} is still the
     * approved revision (same pod template, its pods still the approved hash and digests).
     */
    Optional<String> changedSince(Checked checked) {
        // the template, not the generation: a scale also moves the generation and changes no revision
        Deployment now = context.cluster().deployment(checked.deployment()).orElse(null);
        if (now == null) {
            return Optional.of("Deployment " + checked.deployment() + " was deleted");
        }
        if (!Objects.equals(template(now), checked.template())) {
            return Optional.of("its pod template changed while the switch was being written ("
                    + String.join(",", new DeploymentView(now).images())
                    + " now): it was re-deployed or its Deployment edited");
        }
        return changeIn(context.cluster().pods(matchLabels(now)));
    }

    /** The first way {@code pods} differ from the approved revision, or empty. Terminating pods do not count. */
    private Optional<String> changeIn(List<Pod> pods) {
        for (Pod pod : pods) {
            if (pod.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String hash = Revision.hash(pod);
            if (!approved.podTemplateHash().equals(hash)) {
                return Optional.of(
                        new Revision(hash == null ? "none" : hash, Revision.digests(pod)).changeFrom(approved));
            }
            if (!approved.imageDigests().isEmpty() && !approved.imageDigests().containsAll(Revision.digests(pod))) {
                return Optional.of(new Revision(hash, Revision.digests(pod)).changeFrom(approved));
            }
        }
        return Optional.empty();
    }

    /** What the colour runs now, for the message: the ready pods' revision, else the newest template's pods'. */
    private Revision found(List<Pod> pods) {
        return Revision.ofReadyPods(pods).orElseGet(() -> pods.stream()
                .filter(p ->
                        Revision.hash(p) != null && !approved.podTemplateHash().equals(Revision.hash(p)))
                .findFirst()
                .map(p -> new Revision(Revision.hash(p), Revision.digests(p)))
                .orElse(null));
    }

    RevisionChangedException refusal(String app, Color target, String deployment, Revision found, String change) {
        String now = found == null || found.equals(approved) ? "" : "; it now runs " + found.text();
        return new RevisionChangedException(
                "not switching to " + target + ": " + deployment + " is no longer the revision that was approved ("
                        + approved.text() + "): " + change + now,
                "look at " + target + " as it is now and approve the revision it runs (bluegreen await --app " + app
                        + " --color " + target
                        + " prints it; in a pipeline awaitHealthy returns it as testedRevision), "
                        + "or deploy the approved version again",
                approved,
                found);
    }

    private static Map<String, String> matchLabels(Deployment deployment) {
        return deployment.getSpec().getSelector() == null
                        || deployment.getSpec().getSelector().getMatchLabels() == null
                ? Map.of()
                : deployment.getSpec().getSelector().getMatchLabels();
    }

    private static Object template(Deployment deployment) {
        return deployment.getSpec() == null ? null : deployment.getSpec().getTemplate();
    }
}
