package io.jenkins.plugins.bluegreen.core;

/**
 * The Kubernetes API refused a request (HTTP 403): the account lacks one RBAC verb on one resource. The message
 * starts {@code forbidden: needs verb <verb> on resource <resource>} so the missing rule can be added to the
 * account's Role without reading logs; docs/rbac.yaml lists every verb blue-green uses. Nothing was changed by the
 * refused request itself; earlier steps of the operation may have been (the message says what was being done).
 *
 * @see #verb()
 * @see #resource()
 */
public class PermissionDeniedException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final String verb;
    private final String resource;
    private final String apiGroup;
    private final String namespace;

    /**
     * @param verb      e.g. {@code update}; null when the API server's answer did not say
     * @param resource  e.g. {@code services} or {@code deployments/scale}; null when unknown
     * @param apiGroup  e.g. {@code apps}, {@code ""} for the core group; null when unknown
     * @param namespace null for cluster-scoped requests or when unknown
     */
    public PermissionDeniedException(
            String message, String verb, String resource, String apiGroup, String namespace, Throwable cause) {
        super(message, cause);
        this.verb = verb;
        this.resource = resource;
        this.apiGroup = apiGroup;
        this.namespace = namespace;
    }

    public String verb() {
        return verb;
    }

    public String resource() {
        return resource;
    }

    public String apiGroup() {
        return apiGroup;
    }

    public String namespace() {
        return namespace;
    }
}
