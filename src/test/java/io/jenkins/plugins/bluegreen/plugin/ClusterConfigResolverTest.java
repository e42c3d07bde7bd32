package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicReference;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every way a step's cluster parameters and credential become a fabric8 Config, with fake credentials. */
class ClusterConfigResolverTest {

    static final String KUBECONFIG_TOKEN = "kubeconfig-user-token-9c1d2e";
    static final String OTHER_USER_PASSWORD = "other-user-password-4b8f";
    static final String KUBECONFIG = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster: {server: 'https://prod.example:6443'}
            - name: staging
              cluster: {server: 'https://staging.example:6443'}
            users:
            - name: deployer
              user: {token: %s}
            - name: admin
              user: {username: admin, password: %s}
            contexts:
            - name: prod
              context: {cluster: prod, user: deployer, namespace: shop}
            - name: staging
              context: {cluster: staging, user: admin}
            current-context: prod
            """.formatted(KUBECONFIG_TOKEN, OTHER_USER_PASSWORD);

    private final ClusterConfigResolver noConverter = new ClusterConfigResolver(
            c -> null,
            context -> {
                throw new AssertionError("the controller's configuration must not be used");
            },
            () -> false);

    private static AwaitHealthyStep step() {
        return new AwaitHealthyStep("shop");
    }

    @Test
    void aFileCredentialIsAKubeconfigWithItsCurrentContextAndNamespace() {
        var resolved = noConverter.resolve(step(), new FakeCredentials.File("kc", KUBECONFIG));

        assertThat(resolved.config().getMasterUrl()).startsWith("https://prod.example:6443");
        assertThat(resolved.config().getOauthToken()).isEqualTo(KUBECONFIG_TOKEN);
        assertThat(resolved.namespace()).isEqualTo("shop");
        // every user's secrets are masked, not only the chosen one's
        assertThat(resolved.secrets()).contains(KUBECONFIG_TOKEN, OTHER_USER_PASSWORD);
    }

    @Test
    void contextPicksAnotherContextOfTheKubeconfig() {
        AwaitHealthyStep step = step();
        step.setContext("staging");
        var resolved = noConverter.resolve(step, new FakeCredentials.File("kc", KUBECONFIG));
        assertThat(resolved.config().getMasterUrl()).startsWith("https://staging.example:6443");
        assertThat(resolved.config().getUsername()).isEqualTo("admin");
        assertThat(resolved.namespace()).isEqualTo("default");
    }

    @Test
    void anUnknownContextNamesTheAvailableOnes() {
        AwaitHealthyStep step = step();
        step.setContext("qa");
        assertThatThrownBy(() -> noConverter.resolve(step, new FakeCredentials.File("kc", KUBECONFIG)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("context");
                    assertThat(e.getMessage())
                            .contains("no context 'qa'")
                            .contains("[prod, staging]")
                            .doesNotContain(KUBECONFIG_TOKEN);
                });
    }

    @Test
    void aFileThatIsNotAKubeconfigNeverQuotesItsContent() {
        String broken = "token: " + KUBECONFIG_TOKEN + "\n  : : [";
        assertThatThrownBy(() -> noConverter.resolve(step(), new FakeCredentials.File("kc", broken)))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("credentialsId");
                    assertThat(e.getMessage()).contains("is not a kubeconfig").doesNotContain(KUBECONFIG_TOKEN);
                });
    }

    @Test
    void aSecretTextIsABearerTokenForServerUrl() {
        AwaitHealthyStep step = step();
        step.setServerUrl("https://k8s.example:6443");
        step.setNamespace("shop");
        var resolved = noConverter.resolve(step, new FakeCredentials.Token("tok", "sa-token-abcdef123"));

        assertThat(resolved.config().getMasterUrl()).startsWith("https://k8s.example:6443");
        assertThat(resolved.config().getOauthToken()).isEqualTo("sa-token-abcdef123");
        assertThat(resolved.namespace()).isEqualTo("shop");
        assertThat(resolved.secrets()).contains("sa-token-abcdef123");
        assertThat(resolved.config().isTrustCerts()).isFalse();
    }

    @Test
    void aSecretTextWithoutServerUrlUsesTheControllersClusterButNotItsUser() {
        Config controller = new ConfigBuilder(Config.empty())
                .withMasterUrl("https://in-cluster.example:443")
                .withOauthToken("controller-own-token")
                .build();
        ClusterConfigResolver resolver = new ClusterConfigResolver(c -> null, context -> controller, () -> true);
        var resolved = resolver.resolve(step(), new FakeCredentials.Token("tok", "sa-token-abcdef123"));
        assertThat(resolved.config().getMasterUrl()).startsWith("https://in-cluster.example:443");
        assertThat(resolved.config().getOauthToken()).isEqualTo("sa-token-abcdef123");
    }

    @Test
    void otherCredentialsGoThroughKubernetesAuth() {
        AtomicReference<KubernetesAuthConfig> seen = new AtomicReference<>();
        KubernetesAuth auth = new KubernetesAuth() {
            @Override
            public ConfigBuilder decorate(ConfigBuilder builder, KubernetesAuthConfig config) {
                throw new AssertionError("decorate loads kubeconfigs the way that runs exec commands");
            }

            @Override
            public String buildKubeConfig(KubernetesAuthConfig config) throws JsonProcessingException {
                throw new UnsupportedOperationException();
            }

            @Override
            public io.fabric8.kubernetes.api.model.ConfigBuilder buildConfigBuilder(
                    KubernetesAuthConfig config, String context, String clusterName, String username) {
                seen.set(config);
                return new io.fabric8.kubernetes.api.model.ConfigBuilder()
                        .addNewCluster()
                        .withName(clusterName)
                        .withNewCluster()
                        .withServer(config.getServerUrl())
                        .endCluster()
                        .endCluster()
                        .addNewUser()
                        .withName(username)
                        .withNewUser()
                        .withUsername("cert-user")
                        .withPassword("converted-password-77")
                        .endUser()
                        .endUser()
                        .addNewContext()
                        .withName(context)
                        .withNewContext()
                        .withCluster(clusterName)
                        .withUser(username)
                        .endContext()
                        .endContext()
                        .withCurrentContext(context);
            }
        };
        ClusterConfigResolver resolver = new ClusterConfigResolver(
                c -> c.getId().equals("cert") ? auth : null,
                context -> {
                    throw new AssertionError("serverUrl is given");
                },
                () -> false);
        AwaitHealthyStep step = step();
        step.setServerUrl("https://k8s.example:6443");

        var resolved = resolver.resolve(step, new FakeCredentials.Other("cert"));

        assertThat(seen.get().getServerUrl()).isEqualTo("https://k8s.example:6443");
        assertThat(resolved.config().getUsername()).isEqualTo("cert-user");
        assertThat(resolved.secrets()).contains("converted-password-77");
    }

    @Test
    void aCredentialNothingCanConvertIsRefusedNamingCredentialsId() {
        AwaitHealthyStep step = step();
        step.setServerUrl("https://k8s.example:6443");
        assertThatThrownBy(() -> noConverter.resolve(step, new FakeCredentials.Other("ssh-key")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("credentialsId");
                    assertThat(e.getMessage()).contains("'ssh-key'").contains("cannot authenticate to Kubernetes");
                });
    }

    @Test
    void noCredentialMeansTheControllersOwnConfigurationWhereAnAdministratorAllowedIt(@TempDir Path dir)
            throws Exception {
        Path kubeconfig = dir.resolve("config");
        Files.writeString(kubeconfig, KUBECONFIG);
        String before = System.getProperty(Config.KUBERNETES_KUBECONFIG_FILE);
        System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, kubeconfig.toString());
        try {
            var resolved = new ClusterConfigResolver(c -> null, () -> true).resolve(step(), null);
            assertThat(resolved.config().getMasterUrl()).startsWith("https://prod.example:6443");
            assertThat(resolved.namespace()).isEqualTo("shop");
        } finally {
            if (before == null) {
                System.clearProperty(Config.KUBERNETES_KUBECONFIG_FILE);
            } else {
                System.setProperty(Config.KUBERNETES_KUBECONFIG_FILE, before);
            }
        }
    }

    @Test
    void serverUrlCaCertificateAndSkipTlsVerifyApplyOnTop() {
        String pem = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
        AwaitHealthyStep step = step();
        step.setServerUrl("https://override.example:6443");
        step.setCaCertificate(pem);
        var resolved = noConverter.resolve(step, new FakeCredentials.File("kc", KUBECONFIG));
        assertThat(resolved.config().getMasterUrl()).startsWith("https://override.example:6443");
        assertThat(new String(Base64.getDecoder().decode(resolved.config().getCaCertData()), StandardCharsets.UTF_8))
                .isEqualTo(pem.strip());
        assertThat(resolved.config().isTrustCerts()).isFalse();
        assertThat(resolved.warnings()).isEmpty();

        step.setSkipTlsVerify(true);
        var insecure = noConverter.resolve(step, new FakeCredentials.File("kc", KUBECONFIG));
        assertThat(insecure.config().isTrustCerts()).isTrue();
        assertThat(insecure.warnings()).singleElement().asString().contains("skipTlsVerify");
    }

    @Test
    void anEmptySecretTextIsRefused() {
        AwaitHealthyStep step = step();
        step.setServerUrl("https://k8s.example:6443");
        assertThatThrownBy(() -> noConverter.resolve(step, new FakeCredentials.Token("tok", " ")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("is empty");
    }

    private static String execKubeconfig(Path marker) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: prod
                  cluster: {server: 'https://prod.example:6443'}
                users:
                - name: plugin
                  user:
                    exec:
                      apiVersion: client.authentication.k8s.io/v1
                      command: /bin/sh
                      args: [-c, 'touch %s; echo {}']
                contexts:
                - name: prod
                  context: {cluster: prod, user: plugin}
                current-context: prod
                """.formatted(marker);
    }

    @Test
    void anExecKubeconfigIsRefusedBeforeAnyProcessStarts(@TempDir Path dir) {
        Path marker = dir.resolve("exec-ran");
        assertThatThrownBy(() -> noConverter.resolve(step(), new FakeCredentials.File("kc", execKubeconfig(marker))))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("credentialsId");
                    assertThat(e.getMessage())
                            .contains("'kc'")
                            .contains("runs a command (exec: /bin/sh)")
                            .contains("does not run programs on the controller");
                    assertThat(e.fix()).contains("token").contains("client-certificate");
                });
        assertThat(marker).doesNotExist();
    }

    @Test
    void kubernetesCredentialsKubeconfigKindIsReadAsDataToo(@TempDir Path dir) {
        Path marker = dir.resolve("exec-ran");
        ClusterConfigResolver resolver = new ClusterConfigResolver(
                c -> new org.jenkinsci.plugins.kubernetes.auth.impl.KubernetesAuthKubeconfig(
                        c.getId().equals("evil") ? execKubeconfig(marker) : KUBECONFIG),
                context -> {
                    throw new AssertionError("a credential is given");
                },
                () -> false);

        assertThatThrownBy(() -> resolver.resolve(step(), new FakeCredentials.Other("evil")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.getMessage())
                        .contains("the credential 'evil' cannot be used")
                        .contains("exec"));
        assertThat(marker).doesNotExist();

        var resolved = resolver.resolve(step(), new FakeCredentials.Other("good"));
        assertThat(resolved.config().getMasterUrl()).startsWith("https://prod.example:6443");
        assertThat(resolved.config().getOauthToken()).isEqualTo(KUBECONFIG_TOKEN);
        assertThat(resolved.secrets()).contains(KUBECONFIG_TOKEN, OTHER_USER_PASSWORD);
    }

    @Test
    void authProvidersAndFilesOnTheControllerAreRefusedNamingTheInlineAlternative() {
        String authProvider = KUBECONFIG.replace(
                "user: {token: " + KUBECONFIG_TOKEN + "}",
                "user: {auth-provider: {name: oidc, config: {refresh-token: r}}}");
        assertThatThrownBy(() -> noConverter.resolve(step(), new FakeCredentials.File("kc", authProvider)))
                .hasMessageContaining("auth-provider (oidc)");
        String tokenFile = KUBECONFIG.replace(
                "user: {token: " + KUBECONFIG_TOKEN + "}", "user: {tokenFile: /var/jenkins_home/secrets/master.key}");
        assertThatThrownBy(() -> noConverter.resolve(step(), new FakeCredentials.File("kc", tokenFile)))
                .hasMessageContaining("names a file on the controller (tokenFile)")
                .hasMessageContaining("(token)");
        String caFile = KUBECONFIG.replace(
                "cluster: {server: 'https://prod.example:6443'}",
                "cluster: {server: 'https://prod.example:6443', certificate-authority: /etc/ca.crt}");
        assertThatThrownBy(() -> noConverter.resolve(step(), new FakeCredentials.File("kc", caFile)))
                .hasMessageContaining("(certificate-authority)")
                .hasMessageContaining("certificate-authority-data");
    }

    @Test
    void withoutCredentialsIdTheControllersIdentityNeedsTheAdministratorsConsent() {
        assertThatThrownBy(() -> noConverter.resolve(step(), null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("credentialsId");
                    assertThat(e.getMessage()).contains("is not enabled");
                    assertThat(e.fix())
                            .contains("pass credentialsId")
                            .contains("Manage Jenkins > System")
                            .contains(Messages.BlueGreenGlobalConfiguration_allowControllerIdentity());
                });
    }

    @Test
    void theControllersIdentityNeverGoesWhereTheStepPoints() {
        ClusterConfigResolver allowed = new ClusterConfigResolver(
                c -> null,
                context -> {
                    throw new AssertionError("the controller's configuration must not even be read");
                },
                () -> true);
        java.util.Map<String, java.util.function.Consumer<AwaitHealthyStep>> settings = new java.util.LinkedHashMap<>();
        settings.put("serverUrl", s -> s.setServerUrl("https://attacker.example"));
        settings.put("caCertificate", s -> s.setCaCertificate("-----BEGIN CERTIFICATE-----\nMIIB\n"));
        settings.put("skipTlsVerify", s -> s.setSkipTlsVerify(true));
        settings.put("context", s -> s.setContext("other"));
        settings.forEach((field, set) -> {
            AwaitHealthyStep step = step();
            set.accept(step);
            assertThatThrownBy(() -> allowed.resolve(step, null))
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.field()).isEqualTo(field);
                        assertThat(e.getMessage()).contains("cannot be combined with the controller's own");
                        assertThat(e.fix()).contains("remove " + field).contains("credentialsId");
                    });
        });
    }

    @Test
    void aTokenCredentialWithoutServerUrlNeedsTheControllersClusterToBeAllowed() {
        assertThatThrownBy(() -> noConverter.resolve(step(), new FakeCredentials.Token("tok", "sa-token-abcdef123")))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("serverUrl");
                    assertThat(e.fix()).contains("pass serverUrl");
                });
    }

    @Test
    void aKubeconfigWhoseClusterNamesNoServerNeverFallsBackToTheInClusterApiServer() {
        // fabric8's builder defaults a missing master URL to https://kubernetes.default.svc: the credential's token
        // would go to the controller's own cluster (or whatever that name resolves to), a server it never named
        for (String server : new String[] {"", "server: ''", "server: '   '"}) {
            String kubeconfig = """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: c
                      cluster: {%s}
                    users:
                    - name: u
                      user: {token: %s}
                    contexts:
                    - name: x
                      context: {cluster: c, user: u}
                    current-context: x
                    """.formatted(server, KUBECONFIG_TOKEN);
            assertThatThrownBy(() -> noConverter.resolve(step(), new FakeCredentials.File("kc", kubeconfig)))
                    .as(server)
                    .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                        assertThat(e.field()).isEqualTo("serverUrl");
                        assertThat(e.getMessage()).doesNotContain(KUBECONFIG_TOKEN);
                    });
            // serverUrl names the server instead: then the kubeconfig may leave it out
            AwaitHealthyStep named = step();
            named.setServerUrl("https://prod.example:6443");
            assertThat(noConverter
                            .resolve(named, new FakeCredentials.File("kc", kubeconfig))
                            .config()
                            .getMasterUrl())
                    .startsWith("https://prod.example:6443");
        }
    }
}
