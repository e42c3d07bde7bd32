package io.jenkins.plugins.bluegreen.plugin;

import hudson.Extension;
import hudson.util.FormValidation;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.time.Duration;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * {@code blueGreenDeploy app: 'myapp', image: 'registry/myapp:2.0'}: deploys the new version into the idle colour
 * and waits until it is healthy. With a body ({@code blueGreenDeploy(...) { input 'Cut over?' }}) the body runs
 * once the new colour is healthy; its success switches traffic, its failure or abort abandons the new colour.
 */
public class BlueGreenDeployStep extends ClusterStep {
    private static final long serialVersionUID = 1L;
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);

    private String image;
    private String manifest;
    private String manifestFile;
    private String container;
    private Integer replicas;
    private String revision;
    private String previewService;
    private boolean wait = true;
    private String timeout;
    private String lockWait;
    private String scaleDownDelay;
    private String approvedBy;

    @DataBoundConstructor
    public BlueGreenDeployStep(String app) {
        super(app);
    }

    public String getImage() {
        return image;
    }

    @DataBoundSetter
    public void setImage(String image) {
        this.image = trimToNull(image);
    }

    public String getManifest() {
        return manifest;
    }

    /** Kept as given (YAML is indentation-sensitive); blank = not given. */
    @DataBoundSetter
    public void setManifest(String manifest) {
        this.manifest = manifest == null || manifest.isBlank() ? null : manifest;
    }

    public String getManifestFile() {
        return manifestFile;
    }

    @DataBoundSetter
    public void setManifestFile(String manifestFile) {
        this.manifestFile = trimToNull(manifestFile);
    }

    public String getContainer() {
        return container;
    }

    @DataBoundSetter
    public void setContainer(String container) {
        this.container = trimToNull(container);
    }

    public Integer getReplicas() {
        return replicas;
    }

    @DataBoundSetter
    public void setReplicas(Integer replicas) {
        this.replicas = replicas;
    }

    public String getRevision() {
        return revision;
    }

    @DataBoundSetter
    public void setRevision(String revision) {
        this.revision = trimToNull(revision);
    }

    public String getPreviewService() {
        return previewService;
    }

    @DataBoundSetter
    public void setPreviewService(String previewService) {
        this.previewService = trimToNull(previewService);
    }

    public boolean isWait() {
        return wait;
    }

    @DataBoundSetter
    public void setWait(boolean wait) {
        this.wait = wait;
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

    Duration parsedTimeout() {
        return StepInput.timeout("timeout", timeout, DEFAULT_TIMEOUT);
    }

    Duration parsedLockWait() {
        return StepInput.duration("lockWait", lockWait, Duration.ZERO);
    }

    /** null = core's default delay. */
    Duration parsedScaleDownDelay() {
        return StepInput.duration("scaleDownDelay", scaleDownDelay, null);
    }

    /**
     * A source of what to run: an image, or a manifest (text or file, not both). An image given with a manifest
     * replaces its container's image, as in core.
     */
    void checkSource() {
        if (image == null && manifest == null && manifestFile == null) {
            throw new InvalidInputException("image", "no image, manifest or manifestFile given",
                    "pass image: 'registry/myapp:2.0', or a Deployment as manifest: or manifestFile:");
        }
        if (manifest != null && manifestFile != null) {
            throw new InvalidInputException("manifest", "both manifest and manifestFile given",
                    "pass the Deployment either as text (manifest:) or as a workspace file (manifestFile:)");
        }
        if (replicas != null && replicas < 0) {
            throw new InvalidInputException("replicas", replicas + " is negative",
                    "pass a number of replicas of 0 or more, or leave it out to match the live colour");
        }
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
    public static final class DescriptorImpl extends ClusterStepDescriptor {
        @Override
        public String getFunctionName() {
            return "blueGreenDeploy";
        }

        @Override
        public String getDisplayName() {
            return "Blue-green: deploy a new version into the idle colour";
        }

        /** The optional body: runs once the new colour is healthy; traffic switches when it completes. */
        @Override
        public boolean takesImplicitBlockArgument() {
            return true;
        }

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return checkDuration("timeout", value, true);
        }

        public FormValidation doCheckLockWait(@QueryParameter String value) {
            return checkDuration("lockWait", value, false);
        }

        public FormValidation doCheckScaleDownDelay(@QueryParameter String value) {
            return checkDuration("scaleDownDelay", value, false);
        }

        public FormValidation doCheckReplicas(@QueryParameter String value) {
            String text = trimToNull(value);
            if (text == null) {
                return FormValidation.ok();
            }
            try {
                return Integer.parseInt(text) >= 0 ? FormValidation.ok()
                        : FormValidation.error("must be 0 or more — or leave it out to match the live colour");
            } catch (NumberFormatException e) {
                return FormValidation.error("not a whole number — e.g. 3, or leave it out to match the live colour");
            }
        }
    }
}
