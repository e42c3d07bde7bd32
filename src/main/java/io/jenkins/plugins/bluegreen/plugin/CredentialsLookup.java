package io.jenkins.plugins.bluegreen.plugin;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.model.Run;

/** Finds a credential by ID as the build may use it. A seam so offline tests can hand the steps fake credentials. */
@FunctionalInterface
interface CredentialsLookup {

    /** @return the credential, or null when none with that ID is visible to the build */
    StandardCredentials find(String credentialsId, String serverUrl, Run<?, ?> run);
}
