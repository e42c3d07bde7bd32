package io.jenkins.plugins.bluegreen.plugin;

import hudson.Extension;
import hudson.util.FormValidation;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.Revision;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code switchTraffic app: 'myapp', approvedBy: approver}: points the live Service at the other colour in one
 * guarded write that also records who approved and the build; returns the new live colour.
 */
public class SwitchTrafficStep extends LockingStep implements SwitchingStep {
    private static final long serialVersionUID = 1L;

    private String to;
    private String approvedBy;
    private String scaleDownDelay;
    private String verifyFor;
    private boolean waitForScaleDown;
    private String expectRevision;

    @DataBoundConstructor
    public SwitchTrafficStep(String app) {
        super(app);
    }

    public String getTo() {
        return to;
    }

    @DataBoundSetter
    public void setTo(String to) {
        this.to = trimToNull(to);
    }

    public String getApprovedBy() {
        return approvedBy;
    }

    @DataBoundSetter
    public void setApprovedBy(String approvedBy) {
        this.approvedBy = trimToNull(approvedBy);
    }

    public String getScaleDownDelay() {
        return scaleDownDelay;
    }

    @DataBoundSetter
    public void setScaleDownDelay(String scaleDownDelay) {
        this.scaleDownDelay = trimToNull(scaleDownDelay);
    }

    public boolean isWaitForScaleDown() {
        return waitForScaleDown;
    }

    @DataBoundSetter
    public void setWaitForScaleDown(boolean waitForScaleDown) {
        this.waitForScaleDown = waitForScaleDown;
    }

    public String getExpectRevision() {
        return expectRevision;
    }

    /** The revision the approver saw (blueGreenDeploy's testedRevision): the switch refuses if the colour changed. */
    @DataBoundSetter
    public void setExpectRevision(String expectRevision) {
        this.expectRevision = trimToNull(expectRevision);
    }

    /** null = not checked. */
    Revision parsedExpectRevision() {
        return expectRevision == null ? null : Revision.parse("expectRevision", expectRevision);
    }

    Color parsedTo() {
        return StepInput.color("to", to);
    }

    public String getVerifyFor() {
        return verifyFor;
    }

    @DataBoundSetter
    public void setVerifyFor(String verifyFor) {
        this.verifyFor = trimToNull(verifyFor);
    }

    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        dryRun(dryRun);
    }

    @Override
    String functionName() {
        return "switchTraffic";
    }

    @Override
    public StepExecution start(StepContext context) {
        return new SwitchTrafficExecution(this, context);
    }

    @Extension
    @Symbol("switchTraffic")
    public static final class DescriptorImpl extends LockingDescriptor {
        @Override
        public String getFunctionName() {
            return "switchTraffic";
        }

        @Override
        public String getDisplayName() {
            return Messages.SwitchTrafficStep_displayName();
        }

        public FormValidation doCheckTo(@QueryParameter String value) {
            return checkColor("to", value);
        }

        public FormValidation doCheckScaleDownDelay(@QueryParameter String value) {
            return DurationParameter.SCALE_DOWN_DELAY.check(value);
        }

        public FormValidation doCheckVerifyFor(@QueryParameter String value) {
            return DurationParameter.VERIFY_FOR.check(value);
        }

        public FormValidation doCheckExpectRevision(@QueryParameter String value) {
            return checkRevision("expectRevision", value);
        }
    }
}
