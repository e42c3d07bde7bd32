package io.jenkins.plugins.bluegreen.plugin;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.security.Permission;
import jenkins.model.GlobalConfiguration;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * Manage Jenkins &gt; System &gt; Blue-green deploy: whether steps without {@code credentialsId} may act as the
 * controller itself (its in-cluster service account or its own kubeconfig). Off by default: that identity is usually
 * broader than any one job should have, and every Pipeline could use it. Saved through Jenkins' own configuration
 * form, which needs Overall/Administer ({@link #getRequiredGlobalConfigPagePermission()}); there is no other form
 * method to guard. Configuration as Code: {@code unclassified: blueGreen: allowControllerIdentity: true}.
 */
@Extension
@Symbol("blueGreen")
public class BlueGreenGlobalConfiguration extends GlobalConfiguration {
    private boolean allowControllerIdentity;

    public BlueGreenGlobalConfiguration() {
        load();
    }

    /** Whether the controller's identity may be used now; read at every step's connection. */
    static boolean controllerIdentityAllowed() {
        return ExtensionList.lookupSingleton(BlueGreenGlobalConfiguration.class).isAllowControllerIdentity();
    }

    public boolean isAllowControllerIdentity() {
        return allowControllerIdentity;
    }

    @DataBoundSetter
    public void setAllowControllerIdentity(boolean allowControllerIdentity) {
        this.allowControllerIdentity = allowControllerIdentity;
        save();
    }

    @Override
    public String getDisplayName() {
        return Messages.BlueGreenGlobalConfiguration_displayName();
    }

    /** The controller's credentials are at stake: administrators only, never Overall/Manage. */
    @Override
    public Permission getRequiredGlobalConfigPagePermission() {
        return Jenkins.ADMINISTER;
    }
}
