package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CredentialMaskTest {

    @Test
    void masksKnownCredentialsLongestFirstAndIgnoresShortOnes() {
        CredentialMask mask = new CredentialMask();
        mask.add("sekret-token");
        mask.add("sekret-token-with-suffix");
        mask.add("abc"); // too short: would mask ordinary words
        mask.add(null);

        assertThat(mask.redact("Bearer sekret-token-with-suffix and sekret-token, abc"))
                .isEqualTo("Bearer **** and ****, abc");
        assertThat(mask.redact(null)).isNull();
        assertThat(new CredentialMask().redact("nothing known")).isEqualTo("nothing known");
    }

    @Test
    void findsEveryUsersCredentialsInAKubeconfig() {
        Config kubeconfig = new ConfigBuilder()
                .addNewUser()
                .withName("a")
                .withNewUser()
                .withToken("token-of-a")
                .endUser()
                .endUser()
                .addNewUser()
                .withName("b")
                .withNewUser()
                .withPassword("password-of-b")
                .withClientKeyData("key-of-b")
                .withNewAuthProvider()
                .withName("oidc")
                .withConfig(Map.of("id-token", "id-token-of-b"))
                .endAuthProvider()
                .endUser()
                .endUser()
                .addNewUser()
                .withName("empty")
                .endUser()
                .build();

        List<String> found = CredentialMask.kubeconfigCredentials(kubeconfig);

        assertThat(found).containsExactlyInAnyOrder("token-of-a", "password-of-b", "key-of-b", "id-token-of-b");
        assertThat(CredentialMask.kubeconfigCredentials(new Config())).isEmpty();
    }
}
