package io.jenkins.plugins.bluegreen.plugin;

import hudson.Extension;
import hudson.util.FormValidation;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code blueGreenRelease(app: 'myapp', image: 'registry/myapp:2.0') { input 'Cut over?' }}: the whole release
 * around a body. Deploys and awaits the new colour, runs the body, then switches traffic when the body succeeds,
 * or abandons the new colour when the body fails or is aborted (and when the new colour never gets healthy).
 * The step owns the release, so it never ends holding the lock with a new colour left half-way.
 */
public class BlueGreenReleaseStep extends DeployingStep implements SwitchingStep {
    private static final long serialVersionUID = 1L;

    private String scaleDownDelay;
    private String verifyFor;
    private String approvedBy;

    @DataBoundConstructor
    public BlueGreenReleaseStep(String app) {
        super(app);
    }

    public String getScaleDownDelay() {
        return scaleDownDelay;
    }

    @DataBoundSetter
    public void setScaleDownDelay(String scaleDownDelay) {
        this.scaleDownDelay = trimToNull(scaleDownDelay);
    }

    public String getApprovedBy() {
        return approvedBy;
    }

    @DataBoundSetter
    public void setApprovedBy(String approvedBy) {
        this.approvedBy = trimToNull(approvedBy);
    }

    public String getVerifyFor() {
        return verifyFor;
    }

    @DataBoundSetter
    public void setVerifyFor(String verifyFor) {
        this.verifyFor = trimToNull(verifyFor);
    }

    @Override
    String functionName() {
        return "blueGreenRelease";
    }

    @Override
    public StepExecution start(StepContext context) {
        return new BlueGreenReleaseExecution(this, context);
    }

    @Extension
    @Symbol("blueGreenRelease")
    public static final class DescriptorImpl extends DeployingDescriptor {
        @Override
        public String getFunctionName() {
            return "blueGreenRelease";
        }

        @Override
        public String getDisplayName() {
            return Messages.BlueGreenReleaseStep_displayName();
        }

        /** The body is required: it is the gate between "healthy" and "live". */
        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        public FormValidation doCheckScaleDownDelay(@QueryParameter String value) {
            return DurationParameter.SCALE_DOWN_DELAY.check(value);
        }

        public FormValidation doCheckVerifyFor(@QueryParameter String value) {
            return DurationParameter.VERIFY_FOR.check(value);
        }
    }
}
