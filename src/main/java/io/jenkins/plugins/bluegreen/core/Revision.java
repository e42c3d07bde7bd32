package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.io.Serializable;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What exactly runs in a colour: the {@code pod-template-hash} of its ReplicaSet and the image digests its pods
 * report ({@code status.containerStatuses[].imageID}), distinct and sorted. Two colours with equal revisions run
 * the same pod template on the same image content; a re-deploy, {@code kubectl set image}/{@code edit}, a rollout
 * restart change the hash, a tag re-pushed and pulled again changes a digest.
 *
 * <p>Its text, {@code <hash>@<digest>[,<digest>...]} (e.g. {@code 5f7c9d8b6@sha256:3f0c…}), is what deploy and
 * await print and what a switch's {@code expectRevision} takes back; {@link #parse} reads it. A digest is required:
 * the hash alone would not catch a re-pushed tag (pods that report no imageID give a revision that cannot be passed).
 */
public record Revision(String podTemplateHash, List<String> imageDigests) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** The label the ReplicaSet controller puts on every pod of a ReplicaSet. */
    static final String HASH_LABEL = "pod-template-hash";
    /** What the ReplicaSet controller writes (letters and digits), and an OCI digest, {@code algorithm:hex}. */
    private static final String HASH = "[a-z0-9]{1,32}";

    private static final String DIGEST = "[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-fA-F0-9]{32,}";
    private static final Pattern DIGEST_PATTERN = Pattern.compile(DIGEST);
    private static final Pattern TEXT = Pattern.compile("(" + HASH + ")@(" + DIGEST + "(?:," + DIGEST + ")*)");
    /** The form error messages show. */
    public static final String FORM = "<pod-template-hash>@<digest>[,<digest>...], e.g. 5f7c9d8b6@sha256:3f0c…";

    public Revision {
        Objects.requireNonNull(podTemplateHash, "podTemplateHash");
        imageDigests = imageDigests == null ? List.of() : List.copyOf(new TreeSet<>(imageDigests));
    }

    /**
     * Reads a revision as deploy and await print it. {@code field} names the input in the error (the steps'
     * {@code expectRevision}, the CLI's {@code --expect-revision}).
     *
     * @throws InvalidInputException when {@code text} is not in that form
     */
    public static Revision parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException(field, "is empty", "pass the revision deploy or await printed: " + FORM);
        }
        Matcher m = TEXT.matcher(text.trim());
        if (!m.matches()) {
            throw new InvalidInputException(
                    field,
                    "'" + Printable.line(shorten(text.trim())) + "' is not a revision",
                    "pass the revision deploy or await printed (the deploy's testedRevision in a pipeline), in the "
                            + "form " + FORM);
        }
        return new Revision(m.group(1), List.of(m.group(2).split(",")));
    }

    /** The text deploy and await print and {@link #parse} reads back. */
    public String text() {
        return imageDigests.isEmpty() ? podTemplateHash : podTemplateHash + "@" + String.join(",", imageDigests);
    }

    @Override
    public String toString() {
        return text();
    }

    /**
     * The revision the ready pods of one pod template report, or empty when none is ready. {@code pods} are a
     * colour's pods; when they carry several template hashes (a rollout in flight) the most ready ones win.
     */
    static Optional<Revision> ofReadyPods(Collection<Pod> pods) {
        Map<String, List<Pod>> byHash = pods.stream()
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null && RolloutHealth.isReady(p))
                .filter(p -> hash(p) != null)
                .collect(Collectors.groupingBy(Revision::hash));
        return byHash.entrySet().stream()
                .max(Comparator.<Map.Entry<String, List<Pod>>>comparingInt(
                                e -> e.getValue().size())
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(e -> new Revision(
                        e.getKey(),
                        e.getValue().stream().flatMap(p -> digests(p).stream()).toList()));
    }

    /** The pod's {@code pod-template-hash} label, or null. */
    static String hash(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels == null ? null : labels.get(HASH_LABEL);
    }

    /** The digests of the pod's started containers (a container still pulling reports no imageID yet). */
    static List<String> digests(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
            return List.of();
        }
        return pod.getStatus().getContainerStatuses().stream()
                .map(ContainerStatus::getImageID)
                .map(Revision::digestOf)
                .filter(Objects::nonNull)
                .toList();
    }

    /**
     * The digest in an imageID as runtimes report it: {@code repo@sha256:…} (containerd), {@code
     * docker-pullable://repo@sha256:…} (dockershim), {@code docker://sha256:…} (a local image's id); null when empty.
     */
    static String digestOf(String imageId) {
        if (imageId == null || imageId.isBlank()) {
            return null;
        }
        String id = imageId.contains("://") ? imageId.substring(imageId.indexOf("://") + 3) : imageId;
        String digest = id.contains("@") ? id.substring(id.lastIndexOf('@') + 1) : id;
        return DIGEST_PATTERN.matcher(digest).matches() ? digest : imageId;
    }

    /**
     * What changed from {@code approved} to this revision, as a sentence naming the kind of change: the pod template
     * (a re-deploy or an edit of the Deployment) or, under the same template, the image content (a re-pushed tag).
     */
    String changeFrom(Revision approved) {
        if (!podTemplateHash.equals(approved.podTemplateHash)) {
            return "its pod template changed (pod-template-hash " + approved.podTemplateHash + " → " + podTemplateHash
                    + "): it was re-deployed or its Deployment edited (kubectl set image, kubectl edit, kubectl rollout "
                    + "restart, a re-applied manifest)";
        }
        return "its pods run other image content under the same pod template (digest " + digestList(approved) + " → "
                + digestList(this) + "): an image tag was re-pushed and pods pulled it again";
    }

    private static String digestList(Revision r) {
        return r.imageDigests.isEmpty()
                ? "none reported"
                : String.join(
                        ",", r.imageDigests.stream().map(Revision::shortDigest).toList());
    }

    /** {@code sha256:3f0c9a1b2c3d…}: enough to tell two apart in a sentence; the full text is beside it. */
    static String shortDigest(String digest) {
        int colon = digest.indexOf(':');
        return colon >= 0 && digest.length() > colon + 13 ? digest.substring(0, colon + 13) + "…" : digest;
    }

    private static String shorten(String text) {
        return text.length() > 120 ? text.substring(0, 120) + "…" : text;
    }
}
