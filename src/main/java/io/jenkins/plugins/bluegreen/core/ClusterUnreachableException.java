package io.jenkins.plugins.bluegreen.core;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.util.Optional;

/**
 * The Kubernetes API could not be reached (connection refused, timeout, DNS). Raised when nothing was written,
 * or when what was written is known; otherwise see {@link UncertainOutcomeException}.
 */
public class ClusterUnreachableException extends BlueGreenException {
    private static final long serialVersionUID = 1L;

    public ClusterUnreachableException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Why the client could not reach the API server at all — connection refused, unknown host, timed out — as the
     * innermost cause's message; empty for any other failure. For the fronts, which turn a client failure that never
     * went through the engine (building a client, its first request) into the same advice the engine gives.
     */
    public static Optional<String> reason(Throwable failure) {
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof ConnectException
                    || c instanceof UnknownHostException
                    || c instanceof HttpTimeoutException
                    || c instanceof SocketTimeoutException) {
                Throwable root = failure;
                while (root.getCause() != null && root.getCause() != root) {
                    root = root.getCause();
                }
                return Optional.of(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
            }
        }
        return Optional.empty();
    }
}
