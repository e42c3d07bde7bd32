package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.util.List;

/** A colour did not become healthy within the timeout, without a reason to fail earlier (e.g. never ready). */
public class HealthTimeoutException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final HealthProgress lastProgress;
    private final List<PodProblem> notReady;

    public HealthTimeoutException(
            String deployment, Duration timeout, HealthProgress lastProgress, List<PodProblem> notReady) {
        super(describe(deployment, timeout, lastProgress, notReady));
        this.lastProgress = lastProgress;
        this.notReady = List.copyOf(notReady);
    }

    private static String describe(
            String deployment, Duration timeout, HealthProgress last, List<PodProblem> notReady) {
        StringBuilder text = new StringBuilder("Deployment ")
                .append(deployment)
                .append(" was not healthy after ")
                .append(timeout.toSeconds())
                .append("s");
        if (last != null) {
            text.append(": ").append(last.summary());
        }
        for (PodProblem pod : notReady) {
            text.append("\n  ").append(pod);
        }
        text.append(
                "\nLive traffic was not touched; check the pods' readiness probes and logs, wait longer, or roll back to abandon this colour.");
        return text.toString();
    }

    /** The last progress seen, or null when the Deployment was never seen. */
    public HealthProgress lastProgress() {
        return lastProgress;
    }

    /** Pods that were not ready when time ran out. */
    public List<PodProblem> notReady() {
        return notReady;
    }
}
