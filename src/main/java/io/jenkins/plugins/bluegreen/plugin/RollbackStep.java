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
 *
 * <p>{@code rollback app: 'myapp', abandonOnly: true} is a failed pipeline's cleanup: it abandons the release this
 * build deployed, if one is in flight, and otherwise changes nothing; it never moves traffic.
 */
public class RollbackStep extends LockingStep {
    private static final long serialVersionUID = 1L;

    private boolean takeOverLock;
    private String approvedBy;
    private String timeout;
    private boolean abandonOnly;

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

    public boolean isAbandonOnly() {
        return abandonOnly;
    }

    /** Only abandon what this build deployed; never switch back. */
    @DataBoundSetter
    public void setAbandonOnly(boolean abandonOnly) {
        this.abandonOnly = abandonOnly;
    }

    Duration parsedTimeout() {
        return DurationParameter.TIMEOUT.parse(timeout);
    }

    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        dryRun(dryRun);
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
    public static final class DescriptorImpl extends LockingDescriptor {
        @Override
        public String getFunctionName() {
            return "rollback";
        }

        @Override
        public String getDisplayName() {
            return Messages.RollbackStep_displayName();
        }

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return DurationParameter.TIMEOUT.check(value);
        }
    }
}
