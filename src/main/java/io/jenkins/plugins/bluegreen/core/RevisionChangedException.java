package io.jenkins.plugins.bluegreen.core;

/**
 * A switch that was told which revision was approved ({@code expectRevision}) found the colour running another one:
 * it was re-deployed, edited, restarted or its image re-pushed while the approver looked. Nothing was switched.
 */
public class RevisionChangedException extends RefusedException {
    private static final long serialVersionUID = 1L;
    private final Revision approved;
    private final Revision found;

    RevisionChangedException(String problem, String fix, Revision approved, Revision found) {
        super(problem, fix);
        this.approved = approved;
        this.found = found;
    }

    /** The revision the switch was told to expect. */
    public Revision approved() {
        return approved;
    }

    /** What the colour runs now, or null when none of its pods is ready to say. */
    public Revision found() {
        return found;
    }
}
