package io.jenkins.plugins.bluegreen.cli;

/** A person said no (or could not be asked): exit code 3, distinct from a failure. */
final class AbortedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AbortedException(String message) {
        super(message);
    }
}
