package io.jenkins.plugins.bluegreen.core;

/**
 * A write was sent but its outcome could not be learned (the connection dropped and the object could not be
 * re-read). {@link #whatToCheck()} says which object and field decide whether it happened.
 */
public class UncertainOutcomeException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final String whatToCheck;

    public UncertainOutcomeException(String what, String whatToCheck, Throwable cause) {
        super(what + " may or may not have happened: " + whatToCheck, cause);
        this.whatToCheck = whatToCheck;
    }

    public String whatToCheck() {
        return whatToCheck;
    }
}
