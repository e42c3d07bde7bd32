package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Scripted pod behaviour, chosen per pod: the pod (template) annotation {@value #ANNOTATION}
 * wins; otherwise the first container whose image has a script registered here; otherwise
 * {@link PodScript#NORMAL}. Thread-safe; tests change it while the sim runs.
 */
public final class PodScripts {

    /** Pod template annotation naming a script, e.g. {@code crash-loop} or {@code slow:5s}. */
    public static final String ANNOTATION = "kubesim.bluegreen.jenkins.io/script";

    private final Map<String, PodScript> byImage = new ConcurrentHashMap<>();

    /** One per sim: {@link KubeSim#scripts()}. */
    PodScripts() {}

    /** Pods running {@code image} (exact match, e.g. {@code myapp:bad}) follow {@code script}. */
    public PodScripts image(String image, PodScript script) {
        byImage.put(image, script);
        return this;
    }

    /** Removes the script of one image. */
    public PodScripts removeImage(String image) {
        byImage.remove(image);
        return this;
    }

    /** The script registered for an image, NORMAL if none. */
    public PodScript forImage(String image) {
        return byImage.getOrDefault(image, PodScript.NORMAL);
    }

    public void clear() {
        byImage.clear();
    }

    /** The script for a pod or pod template with this metadata and spec. */
    PodScript resolve(ObjectMeta meta, PodSpec spec) {
        if (meta != null
                && meta.getAnnotations() != null
                && meta.getAnnotations().containsKey(ANNOTATION)) {
            try {
                return PodScript.parse(meta.getAnnotations().get(ANNOTATION));
            } catch (IllegalArgumentException e) {
                return PodScript.NORMAL;
            }
        }
        if (spec != null && spec.getContainers() != null) {
            for (Container c : spec.getContainers()) {
                PodScript s = byImage.get(c.getImage());
                if (s != null) {
                    return s;
                }
            }
        }
        return PodScript.NORMAL;
    }
}
