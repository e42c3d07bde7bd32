package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/**
 * A verified switch whose new live colour failed within its window: traffic was switched back to the previous colour
 * (confirmed on the Service's endpoints) and recorded as an {@code auto-revert} history entry with the reasons.
 */
public class AutoRevertedException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final Color failed;
    private final Color revertedTo;
    private final List<PodProblem> pods;
    private final String endpoints;

    public AutoRevertedException(
            String message, Color failed, Color revertedTo, List<PodProblem> pods, String endpoints) {
        super(message);
        this.failed = failed;
        this.revertedTo = revertedTo;
        this.pods = List.copyOf(pods);
        this.endpoints = endpoints;
    }

    /** The colour that failed its verification. */
    public Color failed() {
        return failed;
    }

    /** The colour traffic is back on. */
    public Color revertedTo() {
        return revertedTo;
    }

    /** The failing pods with Kubernetes' reasons (crash loop, restart, readiness lost); may be empty. */
    public List<PodProblem> pods() {
        return pods;
    }

    /** What was wrong with the Service's endpoints, or null when only pods failed. */
    public String endpoints() {
        return endpoints;
    }
}
