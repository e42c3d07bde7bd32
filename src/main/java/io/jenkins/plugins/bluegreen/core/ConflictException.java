package io.jenkins.plugins.bluegreen.core;

/**
 * Someone else changed the app while this operation ran, in a way that makes carrying on wrong (e.g. the live
 * Service now selects a colour this operation did not expect). Nothing was overwritten; re-read the status and decide.
 */
public class ConflictException extends BlueGreenException {
    private static final long serialVersionUID = 1L;

    public ConflictException(String message) {
        super(message);
    }
}
