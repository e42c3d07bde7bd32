package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;

/** Reading labels and annotations without tripping over nulls. */
final class Labels {
    /** The label by which an EndpointSlice names the Service it belongs to (set by Kubernetes' EndpointSlice controller). */
    static final String SERVICE_NAME = "kubernetes.io/service-name";

    private Labels() {}

    /** Whether a Service with {@code selector} selects the pods {@code deployment} creates. */
    static boolean selects(Map<String, String> selector, Deployment deployment) {
        if (deployment.getSpec() == null
                || deployment.getSpec().getTemplate() == null
                || deployment.getSpec().getTemplate().getMetadata() == null) {
            return false;
        }
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        return podLabels != null && !selector.isEmpty() && podLabels.entrySet().containsAll(selector.entrySet());
    }

    static String annotation(HasMetadata object, String key) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }
}
