package io.jenkins.plugins.bluegreen.core;

/**
 * A verification stopped before its window ended (a build aborted, Ctrl-C): traffic stays where the switch put it,
 * nothing is reverted or recorded as verified, and the previous colour keeps running at least until the window's end.
 */
public class VerificationStoppedException extends BlueGreenException {
    private static final long serialVersionUID = 1L;

    public VerificationStoppedException(String message) {
        super(message);
    }
}
