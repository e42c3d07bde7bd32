package io.jenkins.plugins.bluegreen.plugin;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsProvider;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.domains.URIRequirementBuilder;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.queue.Tasks;
import hudson.security.ACL;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Where a form method of the Snippet Generator or a job's configuration is called: who may see what there, and the
 * credentials the job itself could use. The plugin's own seam, so the descriptors' logic is tested without
 * implementing Jenkins' {@link Item}.
 */
interface FormScope {

    /** Whether the user may see the credentials list: configure (or use credentials in) the item, else administer. */
    boolean mayListCredentials();

    /** Adds the credentials that can log in to Kubernetes, as the job's builds would see them. */
    void addKubernetesCredentials(StandardListBoxModel model, String serverUrl);

    /** The scope of {@code item}, or of Jenkins itself when null (the global Snippet Generator). */
    static FormScope of(Item item) {
        return new FormScope() {
            @Override
            public boolean mayListCredentials() {
                return item == null
                        ? Jenkins.get().hasPermission(Jenkins.ADMINISTER)
                        : item.hasPermission(Item.EXTENDED_READ) || item.hasPermission(CredentialsProvider.USE_ITEM);
            }

            @Override
            @SuppressFBWarnings(
                    value = "UC_USELESS_OBJECT_STACK",
                    justification = "the matchers' varargs array is kept by CredentialsMatchers.anyOf; SpotBugs does "
                            + "not follow it into the matcher the model then uses")
            public void addKubernetesCredentials(StandardListBoxModel model, String serverUrl) {
                // the job's own authentication, as the credentials plugin's consumer guide asks: a job may only be
                // offered what its builds could use; ACL.SYSTEM2 only outside any job, for administrators
                model.includeMatchingAs(
                        item instanceof Queue.Task task ? Tasks.getAuthenticationOf2(task) : ACL.SYSTEM2,
                        item,
                        StandardCredentials.class,
                        URIRequirementBuilder.fromUri(serverUrl).build(),
                        CredentialsMatchers.anyOf(
                                CredentialsMatchers.instanceOf(FileCredentials.class),
                                CredentialsMatchers.instanceOf(StringCredentials.class),
                                AuthenticationTokens.matcher(KubernetesAuth.class)));
            }
        };
    }
}
