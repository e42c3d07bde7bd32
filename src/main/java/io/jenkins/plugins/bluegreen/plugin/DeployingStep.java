package io.jenkins.plugins.bluegreen.plugin;

import hudson.util.FormValidation;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.time.Duration;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;

/**
 * What a step that deploys a new version into the idle colour takes: {@code blueGreenDeploy} (deploy and await,
 * the pipeline composes the rest) and {@code blueGreenRelease} (the whole release around a body). Two steps, not
 * one with an optional body, because Pipeline refuses a block step called without a body and a non-block step
 * called with one.
 */
public abstract class DeployingStep extends LockingStep {
    private static final long serialVersionUID = 1L;

    private String image;
    private String manifest;
    private String manifestFile;
    private String container;
    private Integer replicas;
    private String revision;
    private String previewService;
    private String timeout;
    private boolean replaceRollbackTarget;

    protected DeployingStep(String app) {
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

    public String getTimeout() {
        return timeout;
    }

    @DataBoundSetter
    public void setTimeout(String timeout) {
        this.timeout = trimToNull(timeout);
    }

    public boolean isReplaceRollbackTarget() {
        return replaceRollbackTarget;
    }

    /** Deploy even into the colour the last switch kept for a rollback while its rollback window is open. */
    @DataBoundSetter
    public void setReplaceRollbackTarget(boolean replaceRollbackTarget) {
        this.replaceRollbackTarget = replaceRollbackTarget;
    }

    Duration parsedTimeout() {
        return DurationParameter.TIMEOUT.parse(timeout);
    }

    /**
     * A source of what to run: an image, or a manifest (text or file, not both). An image given with a manifest
     * replaces its container's image, as in core.
     */
    void checkSource() {
        if (image == null && manifest == null && manifestFile == null) {
            throw new InvalidInputException(
                    "image",
                    "no image, manifest or manifestFile given",
                    "pass image: 'registry/myapp:2.0', or a Deployment as manifest: or manifestFile:");
        }
        if (manifest != null && manifestFile != null) {
            throw new InvalidInputException(
                    "manifest",
                    "both manifest and manifestFile given",
                    "pass the Deployment either as text (manifest:) or as a workspace file (manifestFile:)");
        }
        if (replicas != null && replicas < 0) {
            throw new InvalidInputException(
                    "replicas",
                    replicas + " is negative",
                    "pass a number of replicas of 0 or more, or leave it out to match the live colour");
        }
    }

    /** The form checks of the deploy parameters, shared by both deploying steps' descriptors. */
    public abstract static class DeployingDescriptor extends LockingDescriptor {

        public FormValidation doCheckTimeout(@QueryParameter String value) {
            return DurationParameter.TIMEOUT.check(value);
        }

        public FormValidation doCheckReplicas(@QueryParameter String value) {
            String text = trimToNull(value);
            if (text == null) {
                return FormValidation.ok();
            }
            try {
                return Integer.parseInt(text) >= 0
                        ? FormValidation.ok()
                        : FormValidation.error("must be 0 or more — or leave it out to match the live colour");
            } catch (NumberFormatException e) {
                return FormValidation.error("not a whole number — e.g. 3, or leave it out to match the live colour");
            }
        }
    }
}
