package io.jenkins.plugins.bluegreen.plugin;

import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import hudson.model.Run;

/**
 * The credentials store as the build sees it (folder- and job-scoped credentials included). The use is tracked,
 * so the credential's page lists the builds that used it.
 */
final class JenkinsCredentialsLookup implements CredentialsLookup {

    @Override
    public StandardCredentials find(String credentialsId, String serverUrl, Run<?, ?> run) {
        StandardCredentials credential = CredentialsProvider.findCredentialById(
                credentialsId,
                StandardCredentials.class,
                run,
                URIRequirementBuilder.fromUri(serverUrl).build());
        if (credential != null) {
            CredentialsProvider.track(run, credential);
        }
        return credential;
    }
}
