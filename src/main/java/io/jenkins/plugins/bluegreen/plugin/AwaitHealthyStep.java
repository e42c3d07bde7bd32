package io.jenkins.plugins.bluegreen.plugin;

import hudson.Extension;
import hudson.util.FormValidation;
import io.jenkins.plugins.bluegreen.core.Color;
import java.time.Duration;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/** {@code awaitHealthy app: 'myapp'}: waits (watch-based, no thread held) until a colour's rollout is complete. */
public class AwaitHealthyStep extends ClusterStep {
    private static final long serialVersionUID = 1L;

    private String color;
    private String timeout;

    @DataBoundConstructor
    public AwaitHealthyStep(String app) {
        super(app);
    }

    public String getColor() {
        return color;
    }

    @DataBoundSetter
    public void setColor(String color) {
        this.color = trimToNull(color);
    }

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = trimToNull(timeout);
    }

    Color parsedColor() {
        return StepInput.color("color", color);
    }

    Duration parsedTimeout() {
        return DurationParameter.TIMEOUT.parse(timeout);
    }

    @Override
    String functionName() {
        return "awaitHealthy";
    }

    @Override
    public StepExecution start(StepContext context) {
        return new AwaitHealthyExecution(this, context);
    }

    @Extension
    @Symbol("awaitHealthy")
    public static final class DescriptorImpl extends ClusterStepDescriptor {
        @Override
        public String getFunctionName() {
            return "awaitHealthy";
        }

        @Override
        public String getDisplayName() {
            return Messages.AwaitHealthyStep_displayName();
        }

        public FormValidation doCheckColor(@QueryParameter String value) {
            return checkColor("color", value);
        }

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return DurationParameter.TIMEOUT.check(value);
        }
    }
}
