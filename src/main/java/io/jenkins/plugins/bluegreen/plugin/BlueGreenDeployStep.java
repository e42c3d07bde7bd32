package io.jenkins.plugins.bluegreen.plugin;

import hudson.Extension;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * {@code def r = blueGreenDeploy app: 'myapp', image: 'registry/myapp:2.0'}: deploys the new version into the idle
 * colour and waits until it is healthy; live traffic is untouched. The pipeline composes the rest ({@code input},
 * {@code switchTraffic}, {@code rollback} in {@code post}). Takes no body: {@code blueGreenRelease} is the block form.
 */
public class BlueGreenDeployStep extends DeployingStep {
    private static final long serialVersionUID = 1L;

    private boolean wait = true;

    @DataBoundConstructor
    public BlueGreenDeployStep(String app) {
        super(app);
    }

    public boolean isWait() {
        return wait;
    }

    @DataBoundSetter
    public void setWait(boolean wait) {
        this.wait = wait;
    }

    @DataBoundSetter
    public void setDryRun(boolean dryRun) {
        dryRun(dryRun);
    }

    @Override
    String functionName() {
        return "blueGreenDeploy";
    }

    @Override
    public StepExecution start(StepContext context) {
        return new BlueGreenDeployExecution(this, context);
    }

    @Extension
    @Symbol("blueGreenDeploy")
    public static final class DescriptorImpl extends DeployingDescriptor {
        @Override
        public String getFunctionName() {
            return "blueGreenDeploy";
        }

        @Override
        public String getDisplayName() {
            return Messages.BlueGreenDeployStep_displayName();
        }

        /** Pipeline would refuse a call without a body otherwise; the block form is blueGreenRelease. */
        @Override
        public boolean takesImplicitBlockArgument() {
            return false;
        }
    }
}
