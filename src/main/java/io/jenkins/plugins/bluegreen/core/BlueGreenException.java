package io.jenkins.plugins.bluegreen.core;

/**
 * Every failure of a core operation. Unchecked so that it travels through
 * {@link java.util.concurrent.CompletableFuture}s and lambdas unchanged; the subclass says what kind of
 * failure it is, the message says what happened and what to do.
 */
public class BlueGreenException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BlueGreenException(String message) {
        super(message);
    }

    public BlueGreenException(String message, Throwable cause) {
        super(message, cause);
    }
}
