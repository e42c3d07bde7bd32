package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry the simulated kubelet pulls from: which digest each image tag resolves to. A tag resolves to
 * {@code sha256:} + the SHA-256 of {@code <repository>:<tag>} until it is {@linkplain #push re-pushed}; each push
 * gives it a new digest (that of {@code <repository>:<tag>#<n>}), as a retag in a real registry does. An image
 * given by digest is that digest. A pod resolves its images once, when it starts, like a kubelet pulling them:
 * a push changes only pods started after it. Thread-safe; tests change it while the sim runs.
 */
public final class ImageRegistry {

    private final Map<String, Integer> pushes = new ConcurrentHashMap<>();

    /** One per sim: {@link KubeSim#images()}. */
    ImageRegistry() {
        // the first SHA-256 loads the security providers: at start-up, not on the kubelet's thread in a pod's timeline
        sha256("");
    }

    /** The digest {@code image} resolves to now, e.g. {@code sha256:3f0c…} (64 hex digits). */
    public String digest(String image) {
        ImageRef ref = ImageRef.parse(image);
        if (ref.digest() != null) {
            return ref.digest();
        }
        String key = ref.repository() + ":" + ref.tag();
        int pushed = pushes.getOrDefault(key, 0);
        return "sha256:" + sha256(pushed == 0 ? key : key + "#" + pushed);
    }

    /**
     * What a kubelet reports as {@code status.containerStatuses[].imageID} for a container started now from
     * {@code image}: {@code <repository>@<digest>}, as containerd does.
     */
    public String imageId(String image) {
        return ImageRef.parse(image).repository() + "@" + digest(image);
    }

    /** Re-pushes {@code image}'s tag with new content: pods started from now on get a new digest, which is returned. */
    public String push(String image) {
        ImageRef ref = ImageRef.parse(image);
        if (ref.digest() != null) {
            throw new IllegalArgumentException("an image given by digest cannot be re-pushed: " + image);
        }
        pushes.merge(ref.repository() + ":" + ref.tag(), 1, Integer::sum);
        return digest(image);
    }

    /** Every tag back to its first digest. */
    public void clear() {
        pushes.clear();
    }

    /** The imageID of each of the pod's containers, by container name, resolved now (the pull). */
    Map<String, String> pull(Pod pod) {
        Map<String, String> ids = new LinkedHashMap<>();
        for (Container c : pod.getSpec().getContainers()) {
            ids.put(c.getName(), imageId(c.getImage()));
        }
        return Map.copyOf(ids);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
