package io.jenkins.plugins.bluegreen.plugin;

import hudson.EnvVars;
import io.jenkins.plugins.bluegreen.core.HistoryEntry;
import java.io.Serializable;
import java.time.Instant;

/**
 * Who a build is to the cluster: the deploy lock's holder and the build URL written into the release history.
 * Every step of one build gets the same holder, so the lock its {@code blueGreenDeploy} took is released by its
 * {@code switchTraffic} or {@code rollback}.
 *
 * @param holder   {@code jenkins:<job>#<number>}, from the Run, else from {@code BUILD_TAG}
 * @param buildUrl {@code BUILD_URL}, or null when Jenkins has no root URL configured
 */
record BuildIdentity(String holder, String buildUrl) implements Serializable {

    static BuildIdentity of(RunningBuild run, EnvVars env) {
        String id = run == null ? null : ClusterStep.trimToNull(run.externalizableId());
        String tag = env == null ? null : ClusterStep.trimToNull(env.get("BUILD_TAG"));
        String holder = id != null ? "jenkins:" + id : tag != null ? "jenkins:" + tag : null;
        if (holder == null) {
            throw new IllegalStateException("neither the build nor BUILD_TAG identifies this build");
        }
        return new BuildIdentity(holder, env == null ? null : ClusterStep.trimToNull(env.get("BUILD_URL")));
    }

    /**
     * Whether this build wrote {@code entry} of a Service's history at or after {@code since} (a second of slack for
     * rounding): how a step resumed after a restart tells its own finished write from one that never happened.
     * Always false without a build URL, which is what the entry names its build by.
     */
    boolean wrote(HistoryEntry entry, Instant since) {
        return buildUrl != null
                && entry != null
                && buildUrl.equals(entry.buildUrl())
                && entry.switchedAt() != null
                && since != null
                && !entry.switchedAt().isBefore(since.minusSeconds(1));
    }
}
