package io.jenkins.plugins.bluegreen.core;

/**
 * The Kubernetes API could not be reached (connection refused, timeout, DNS). Raised when nothing was written,
 * or when what was written is known; otherwise see {@link UncertainOutcomeException}.
 */
public class ClusterUnreachableException extends BlueGreenException {
    private static final long serialVersionUID = 1L;

    public ClusterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
