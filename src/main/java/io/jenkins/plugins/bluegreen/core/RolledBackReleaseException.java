package io.jenkins.plugins.bluegreen.core;

/**
 * Refused because it would put a rolled-back release live again without a person naming it: a second rollback (a
 * retry, a second person on call), or a switch to "the idle colour" right after a rollback. Nothing was written; the
 * message says what is live and how to re-release deliberately (switch to the colour by name).
 */
public class RolledBackReleaseException extends BlueGreenException {
    private static final long serialVersionUID = 1L;

    public RolledBackReleaseException(String message) {
        super(message);
    }
}
