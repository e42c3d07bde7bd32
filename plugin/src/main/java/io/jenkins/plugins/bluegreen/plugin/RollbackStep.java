package io.jenkins.plugins.bluegreen.plugin;

import hudson.Extension;
import hudson.util.FormValidation;
import java.time.Duration;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code rollback app: 'myapp'}: back to the previous colour (instant while it runs), or — before any switch —
 * abandons the new colour and leaves live traffic alone. Returns the live colour afterwards.
 */
public class RollbackStep extends ClusterStep {
    private static final long serialVersionUID = 1L;
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private boolean takeOverLock;
    private String approvedBy;
    private String timeout;
    private String lockWait;

    @DataBoundConstructor
    public RollbackStep(String app) {
        super(app);
    }

    public boolean isTakeOverLock() {
        return takeOverLock;
    }

    @DataBoundSetter
    public void setTakeOverLock(boolean takeOverLock) {
        this.takeOverLock = takeOverLock;
    }

    public String getApprovedBy() {
        return approvedBy;
    }

    @DataBoundSetter
    public void setApprovedBy(String approvedBy) {
        this.approvedBy = trimToNull(approvedBy);
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = trimToNull(timeout);
    }

    public String getLockWait() {
        return lockWait;
    }

    @DataBoundSetter
    public void setLockWait(String lockWait) {
        this.lockWait = trimToNull(lockWait);
    }

    Duration parsedTimeout() {
        return StepInput.timeout("timeout", timeout, DEFAULT_TIMEOUT);
    }

    Duration parsedLockWait() {
        return StepInput.duration("lockWait", lockWait, Duration.ZERO);
    }

    @Override
    String functionName() {
        return "rollback";
    }

    @Override
    public StepExecution start(StepContext context) {
        return new RollbackExecution(this, context);
    }

    @Extension
    @Symbol("rollback")
    public static final class DescriptorImpl extends ClusterStepDescriptor {
        @Override
        public String getFunctionName() {
            return "rollback";
        }

        @Override
        public String getDisplayName() {
            return "Blue-green: roll back to the previous colour";
        }

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return checkDuration("timeout", value, true);
        }

        public FormValidation doCheckLockWait(@QueryParameter String value) {
            return checkDuration("lockWait", value, false);
        }
    }
}
