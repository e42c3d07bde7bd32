package io.jenkins.plugins.bluegreen.plugin;

import hudson.util.FormValidation;
import java.time.Duration;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * A step that takes the app's deploy lock (deploy, release, switch, rollback), so it takes {@code lockWait}: one
 * setter, parse and form check for all of them. Each step keeps its own help text for it.
 */
public abstract class LockingStep extends ClusterStep {
    private static final long serialVersionUID = 1L;

    private String lockWait;

    protected LockingStep(String app) {
        super(app);
    }

    public String getLockWait() {
        return lockWait;
    }

    @DataBoundSetter
    public void setLockWait(String lockWait) {
        this.lockWait = trimToNull(lockWait);
    }

    Duration parsedLockWait() {
        return DurationParameter.LOCK_WAIT.parse(lockWait);
    }

    /** The form check of {@code lockWait}, for every locking step's descriptor. */
    public abstract static class LockingDescriptor extends ClusterStepDescriptor {

        public FormValidation doCheckLockWait(@QueryParameter String value) {
            return DurationParameter.LOCK_WAIT.check(value);
        }
    }
}
