package io.jenkins.plugins.bluegreen.plugin.world;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.SecretBytes;
import com.cloudbees.plugins.credentials.SystemCredentialsProvider;
import hudson.model.Result;
import io.jenkins.plugins.bluegreen.plugin.BlueGreenGlobalConfiguration;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import jenkins.model.GlobalConfiguration;
import org.jenkinsci.plugins.plaincredentials.impl.FileCredentialsImpl;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** The two holes a security review found, closed in a real controller. */
@WithJenkins
class SecurityTest {

    @Test
    void anExecKubeconfigCredentialNeverRunsItsCommand(JenkinsRule j, @TempDir Path dir) throws Exception {
        Path marker = dir.resolve("exec-ran");
        String kubeconfig = "apiVersion: v1\nkind: Config\n"
                + "clusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
                + "users:\n- name: u\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n"
                + "      command: /bin/sh\n      args: [-c, 'touch " + marker + "']\n"
                + "contexts:\n- name: c\n  context: {cluster: c, user: u}\ncurrent-context: c\n";
        SystemCredentialsProvider store = SystemCredentialsProvider.getInstance();
        store.getCredentials()
                .add(new FileCredentialsImpl(
                        CredentialsScope.GLOBAL,
                        "evil-kubeconfig",
                        "exec",
                        "config",
                        SecretBytes.fromBytes(kubeconfig.getBytes(StandardCharsets.UTF_8))));
        store.save();

        WorkflowRun run = Pipelines.start(j, "awaitHealthy(app: 'myapp', credentialsId: 'evil-kubeconfig')\n");

        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(run));
        j.assertLogContains("runs a command (exec: /bin/sh)", run);
        assertFalse(Files.exists(marker), "the kubeconfig's exec command ran on the controller");
    }

    @Test
    void serverUrlWithoutCredentialNeverReceivesTheControllersIdentity(JenkinsRule j) throws Exception {
        GlobalConfiguration.all().get(BlueGreenGlobalConfiguration.class).setAllowControllerIdentity(true);
        try (ServerSocketChannel attacker =
                ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            attacker.configureBlocking(false);
            int port = ((InetSocketAddress) attacker.getLocalAddress()).getPort();

            WorkflowRun run = Pipelines.start(
                    j, "awaitHealthy(app: 'x', serverUrl: 'http://127.0.0.1:" + port + "', skipTlsVerify: true)\n");

            j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(run));
            j.assertLogContains("serverUrl: cannot be combined with the controller's own Kubernetes identity", run);
            assertNull(attacker.accept(), "a connection reached the pipeline's server");
        }
    }

    @Test
    void theControllerIdentityIsOffByDefaultAndOnlyAdministratorsConfigureIt(JenkinsRule j) throws Exception {
        BlueGreenGlobalConfiguration config = GlobalConfiguration.all().get(BlueGreenGlobalConfiguration.class);
        assertFalse(config.isAllowControllerIdentity());
        WorkflowRun run = Pipelines.start(j, "awaitHealthy(app: 'x')\n");
        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(run));
        j.assertLogContains("is not enabled", run);

        config.setAllowControllerIdentity(true);
        j.configRoundtrip();
        assertTrue(GlobalConfiguration.all()
                .get(BlueGreenGlobalConfiguration.class)
                .isAllowControllerIdentity());

        j.jenkins.setSecurityRealm(j.createDummySecurityRealm());
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(jenkins.model.Jenkins.MANAGE, jenkins.model.Jenkins.READ)
                .everywhere()
                .to("manager"));
        JenkinsRule.WebClient wc = j.createWebClient().withThrowExceptionOnFailingStatusCode(false);
        wc.login("manager");
        // Overall/Manage may open the system configuration but never sees nor saves this section
        assertFalse(wc.goTo("manage/configure").asNormalizedText().contains("Blue-green deploy"));
    }
}
