package io.jenkins.plugins.bluegreen.cli;

/**
 * Invalid input caught by the CLI itself before it touched the cluster (unreadable kubeconfig, unknown
 * context, ...): exit code 2. The message names the option and says how to fix it. Input the engine
 * validates comes back as core's own {@code InvalidInputException} and maps to the same code.
 */
final class UserInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UserInputException(String message) {
        super(message);
    }

    UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
