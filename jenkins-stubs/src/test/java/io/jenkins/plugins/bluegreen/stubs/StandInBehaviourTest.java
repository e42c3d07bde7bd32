package io.jenkins.plugins.bluegreen.stubs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.cloudbees.plugins.credentials.CredentialsDescriptor;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardCredentials;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Item;
import hudson.model.Result;
import hudson.security.Permission;
import hudson.util.FormValidation;
import hudson.util.Secret;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jenkinsci.plugins.workflow.steps.FlowInterruptedException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

// The few stand-ins with behaviour behave the way the plugin's offline tests assume Jenkins does.
class StandInBehaviourTest {

    /** As kubernetes-credentials' own: the kubeconfig text, unchanged, from both getters. */
    @Test
    void kubernetesAuthKubeconfigHoldsItsText() throws Exception {
        var auth = new org.jenkinsci.plugins.kubernetes.auth.impl.KubernetesAuthKubeconfig("apiVersion: v1\n");
        assertThat(auth.getKubeconfig()).isEqualTo("apiVersion: v1\n");
        assertThat(auth.buildKubeConfig(null)).isEqualTo("apiVersion: v1\n");
    }

    @Test
    void envVarsLookUpNamesIgnoringCase() {
        EnvVars env = new EnvVars("BUILD_URL", "http://ci/job/x/1/");
        assertThat(env.get("build_url")).isEqualTo("http://ci/job/x/1/");
        assertThat(env.get("BUILD_TAG", "none")).isEqualTo("none");
        assertThatThrownBy(() -> env.put("X", null)).hasMessageContaining("X");
    }

    @Test
    void formValidationCarriesKindAndEscapedMessage() {
        FormValidation v = FormValidation.error("bad 'timeout': <5x>");
        assertThat(v.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(v.getMessage()).isEqualTo("bad &#039;timeout&#039;: &lt;5x&gt;");
        assertThat(FormValidation.ok().kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(FormValidation.warning("w %d", 1).getMessage()).isEqualTo("w 1");
    }

    @Test
    void secretHoldsItsValue() {
        Secret s = Secret.fromString("t0ken");
        assertThat(s.getPlainText()).isEqualTo("t0ken");
        assertThat(Secret.toString(null)).isEmpty();
        assertThat(s).isEqualTo(Secret.fromString("t0ken"));
    }

    @Test
    void permissionsHaveOneIdentityPerId() {
        assertThat(Permission.fromId("hudson.model.Item.Configure")).isSameAs(Item.CONFIGURE);
        assertThat(Item.EXTENDED_READ.getId()).isEqualTo("hudson.model.Item.ExtendedRead");
    }

    @Test
    void resultConstantsSurviveSerialization() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new FlowInterruptedException(Result.ABORTED, true));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            FlowInterruptedException back = (FlowInterruptedException) in.readObject();
            assertThat(back.getResult()).isSameAs(Result.ABORTED);
            assertThat(back.getResult()).hasToString("ABORTED");
        }
    }

    @Test
    void filePathReadsLocalFiles(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("deploy.yaml"), "kind: Deployment\n");
        FilePath workspace = new FilePath(dir.toFile());
        assertThat(workspace.child("deploy.yaml").readToString()).isEqualTo("kind: Deployment\n");
        assertThat(workspace.child("missing.yaml").exists()).isFalse();
    }

    @Test
    void listBoxModelKeepsEmptyAndCurrentValueOnce() {
        StandardListBoxModel model = new StandardListBoxModel();
        model.includeEmptyValue()
                .includeEmptyValue()
                .includeCurrentValue("kubeconfig")
                .includeCurrentValue("kubeconfig");
        assertThat(model).extracting(o -> o.value).containsExactly("", "kubeconfig");
        model.with(new Cred("token-1", "prod"));
        assertThat(model.get(2).name).isEqualTo("token-1 (prod)");
    }

    private record Cred(String getId, String getDescription) implements StandardCredentials {
        @Override
        public CredentialsScope getScope() {
            return CredentialsScope.GLOBAL;
        }

        @Override
        public CredentialsDescriptor getDescriptor() {
            return null;
        }
    }
}
