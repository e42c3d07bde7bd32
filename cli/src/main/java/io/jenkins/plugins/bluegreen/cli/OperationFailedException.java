package io.jenkins.plugins.bluegreen.cli;

/**
 * A failure of the CLI's own doing that is not the engine's (e.g. kube-sim could not listen on the port): exit code 1,
 * reported with its message only, no stack trace.
 */
final class OperationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    OperationFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
