package io.jenkins.plugins.bluegreen.core;

import java.util.List;

/** What {@link RolloutHealth#evaluate} concluded about a colour at one moment. */
sealed interface HealthVerdict {

    HealthProgress progress();

    /** Every desired replica is updated, ready and available. */
    record Healthy(HealthProgress progress) implements HealthVerdict {}

    /** Not there yet, nothing known to be wrong. {@code notReady} names the pods still waiting. */
    record Progressing(HealthProgress progress, List<PodProblem> notReady) implements HealthVerdict {
        public Progressing {
            notReady = List.copyOf(notReady);
        }
    }

    /** Waiting will not help. */
    record Failed(HealthProgress progress, String reason, String detail, List<PodProblem> pods)
            implements HealthVerdict {
        public Failed {
            pods = List.copyOf(pods);
        }
    }
}
