package io.jenkins.plugins.bluegreen.plugin;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthConfig;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthException;
import org.jenkinsci.plugins.kubernetes.auth.impl.KubernetesAuthKubeconfig;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Turns a step's cluster parameters and its (optional) credential into a fabric8 {@link Config}. Pure (no Jenkins
 * lookups), so every path is unit-tested with fake credentials. A kubeconfig is read as data ({@link KubeconfigLogin});
 * the controller's own identity only where an administrator allowed it, and never aimed by the step. Which
 * credential means what, and why: docs/steps.md, "Cluster access", and docs/architecture.md, cluster access.
 */
final class ClusterConfigResolver {
    static final String DEFAULT_NAMESPACE = "default";
    /** The names a non-kubeconfig {@link KubernetesAuth} gets for its one cluster, user and context. */
    private static final String CONVERTED = "credential";

    /** Credential → KubernetesAuth; in Jenkins {@code AuthenticationTokens.convert(KubernetesAuth.class, c)}. */
    @FunctionalInterface
    interface KubernetesAuthConverter {
        KubernetesAuth convert(StandardCredentials credential);
    }

    /** Where a step talks to: the configuration, its namespace, secrets to mask and warnings for the console. */
    record ResolvedCluster(Config config, String namespace, Set<String> secrets, List<String> warnings) {
        ResolvedCluster {
            secrets = Set.copyOf(secrets);
            warnings = List.copyOf(warnings);
        }
    }

    private final KubernetesAuthConverter converter;
    private final Function<String, Config> autoConfigure;
    private final BooleanSupplier controllerIdentityAllowed;

    /** Jenkins' resolver: the controller's identity as the global configuration allows. */
    ClusterConfigResolver(KubernetesAuthConverter converter, BooleanSupplier controllerIdentityAllowed) {
        this(converter, Config::autoConfigure, controllerIdentityAllowed);
    }

    /**
     * @param autoConfigure             the controller's own configuration for a context (null = current)
     * @param controllerIdentityAllowed whether an administrator allowed steps without credentialsId
     */
    ClusterConfigResolver(
            KubernetesAuthConverter converter,
            Function<String, Config> autoConfigure,
            BooleanSupplier controllerIdentityAllowed) {
        this.converter = Objects.requireNonNull(converter);
        this.autoConfigure = Objects.requireNonNull(autoConfigure);
        this.controllerIdentityAllowed = Objects.requireNonNull(controllerIdentityAllowed);
    }

    ResolvedCluster resolve(ClusterStep step, StandardCredentials credential) {
        StepInput.serverUrl(step.getServerUrl());
        StepInput.caCertificate(step.getCaCertificate());
        Set<String> secrets = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        Config config;
        if (credential == null) {
            config = controllerIdentity(step);
        } else {
            if (credential instanceof FileCredentials file) {
                config = fromKubeconfig(
                        read(file),
                        step.getContext(),
                        step.getServerUrl() != null,
                        secrets,
                        "the kubeconfig credential '" + credential.getId() + "'");
            } else if (credential instanceof StringCredentials token) {
                String value = token.getSecret().getPlainText();
                if (value == null || value.isBlank()) {
                    throw new InvalidInputException(
                            "credentialsId",
                            "the secret text credential '" + credential.getId() + "' is empty",
                            "store the service account's bearer token in it");
                }
                secrets.add(value.strip());
                config = new ConfigBuilder(clusterOnly(step))
                        .withOauthToken(value.strip())
                        .build();
            } else {
                config = fromKubernetesAuth(step, credential, secrets);
            }
            applyEndpointSettings(step, config, warnings);
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new InvalidInputException(
                    "serverUrl",
                    "no Kubernetes API server is known",
                    "pass serverUrl, or a kubeconfig credential (credentialsId) that names its server");
        }
        for (String s : new String[] {
            config.getOauthToken(), config.getAutoOAuthToken(), config.getPassword(), config.getClientKeyData()
        }) {
            if (s != null) {
                secrets.add(s);
            }
        }
        String namespace = step.getNamespace() != null
                ? step.getNamespace()
                : config.getNamespace() != null && !config.getNamespace().isBlank()
                        ? config.getNamespace()
                        : DEFAULT_NAMESPACE;
        config.setNamespace(namespace);
        return new ResolvedCluster(config, namespace, secrets, warnings);
    }

    /** serverUrl, caCertificate and skipTlsVerify on top of a credential's configuration. */
    private static void applyEndpointSettings(ClusterStep step, Config config, List<String> warnings) {
        if (step.getServerUrl() != null) {
            config.setMasterUrl(step.getServerUrl());
        }
        if (step.getCaCertificate() != null) {
            // fabric8 wants the PEM base64-encoded, as in a kubeconfig's certificate-authority-data
            config.setCaCertData(
                    Base64.getEncoder().encodeToString(step.getCaCertificate().getBytes(StandardCharsets.UTF_8)));
        }
        if (step.isSkipTlsVerify()) {
            config.setTrustCerts(true);
            config.setDisableHostnameVerification(true);
            warnings.add("skipTlsVerify: the API server's certificate is not checked, so the credentials may go to "
                    + "an impostor; pass caCertificate instead");
        }
    }

    /** No credential: the controller's own identity, where allowed and with nothing the pipeline points elsewhere. */
    private Config controllerIdentity(ClusterStep step) {
        requireControllerConfigAllowed(
                "credentialsId",
                Messages.ControllerIdentity_noCredential(),
                Messages.ControllerIdentity_noCredentialFix());
        String conflicting = step.getServerUrl() != null
                ? "serverUrl"
                : step.getCaCertificate() != null
                        ? "caCertificate"
                        : step.isSkipTlsVerify() ? "skipTlsVerify" : step.getContext() != null ? "context" : null;
        if (conflicting != null) {
            throw new InvalidInputException(
                    conflicting,
                    Messages.ControllerIdentity_conflicting(),
                    Messages.ControllerIdentity_conflictingFix(conflicting));
        }
        return controllerConfig(null);
    }

    private void requireControllerConfigAllowed(String field, String why, String fix) {
        if (!controllerIdentityAllowed.getAsBoolean()) {
            throw new InvalidInputException(
                    field,
                    Messages.ControllerIdentity_notEnabled(why),
                    Messages.ControllerIdentity_notEnabledFix(
                            fix, Messages.BlueGreenGlobalConfiguration_allowControllerIdentity()));
        }
    }

    private Config controllerConfig(String context) {
        try {
            return autoConfigure.apply(context);
        } catch (RuntimeException e) {
            // fabric8's text may quote the kubeconfig; say what to do instead
            throw new InvalidInputException(
                    context != null ? "context" : "credentialsId",
                    "the controller's own Kubernetes configuration cannot be used"
                            + (context != null ? " with context '" + context + "'" : ""),
                    "pass credentialsId with a kubeconfig file credential, or check the controller's kubeconfig");
        }
    }

    /**
     * The cluster (server, CA) of serverUrl, else of the controller's configuration (where allowed), with no user
     * credentials of its own: a token or certificate credential then logs in there.
     */
    private Config clusterOnly(ClusterStep step) {
        if (step.getServerUrl() != null) {
            return new ConfigBuilder(Config.empty())
                    .withMasterUrl(step.getServerUrl())
                    .build();
        }
        requireControllerConfigAllowed(
                "serverUrl", Messages.ControllerIdentity_noServer(), Messages.ControllerIdentity_noServerFix());
        Config base = controllerConfig(step.getContext());
        return new ConfigBuilder(base)
                .withOauthToken(null)
                .withAutoOAuthToken(null)
                .withUsername(null)
                .withPassword(null)
                .withClientCertData(null)
                .withClientCertFile(null)
                .withClientKeyData(null)
                .withClientKeyFile(null)
                .withAuthProvider(null)
                .withOauthTokenProvider(null)
                .build();
    }

    /**
     * kubernetes-credentials' login for the credential, taken as data: a kubeconfig one like a file credential, any
     * other as the one-user kubeconfig it describes itself as ({@code buildConfigBuilder}), never through
     * {@code decorate}, which loads a kubeconfig the way that runs its exec commands.
     */
    private Config fromKubernetesAuth(ClusterStep step, StandardCredentials credential, Set<String> secrets) {
        KubernetesAuth auth = converter.convert(credential);
        if (auth == null) {
            throw new InvalidInputException(
                    "credentialsId",
                    "the credential '" + credential.getId() + "' is of a kind that cannot authenticate to Kubernetes",
                    "use a kubeconfig file credential, a secret text credential holding a token, or a "
                            + "certificate/username-password credential");
        }
        String source = "the credential '" + credential.getId() + "'";
        if (auth instanceof KubernetesAuthKubeconfig kubeconfig) {
            return fromKubeconfig(
                    kubeconfig.getKubeconfig(), step.getContext(), step.getServerUrl() != null, secrets, source);
        }
        io.fabric8.kubernetes.api.model.Config described;
        try {
            described = auth.buildConfigBuilder(
                            new KubernetesAuthConfig(
                                    step.getServerUrl(), step.getCaCertificate(), step.isSkipTlsVerify()),
                            CONVERTED,
                            CONVERTED,
                            CONVERTED)
                    .build();
        } catch (KubernetesAuthException | RuntimeException e) {
            throw new InvalidInputException(
                    "credentialsId",
                    source + " could not be turned into a Kubernetes login ("
                            + e.getClass().getSimpleName() + ")",
                    "check the credential's content");
        }
        secrets.addAll(CredentialMask.kubeconfigCredentials(described));
        // without serverUrl the server comes from clusterOnly below
        Config login = KubeconfigLogin.of(described, CONVERTED, source, true);
        if (step.getServerUrl() != null) {
            return login;
        }
        Config cluster = clusterOnly(step);
        return new ConfigBuilder(login)
                .withMasterUrl(cluster.getMasterUrl())
                .withCaCertData(login.getCaCertData() != null ? login.getCaCertData() : cluster.getCaCertData())
                .withCaCertFile(login.getCaCertData() != null ? null : cluster.getCaCertFile())
                .withNamespace(login.getNamespace() != null ? login.getNamespace() : cluster.getNamespace())
                .build();
    }

    private static String read(FileCredentials file) {
        try (InputStream in = file.getContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException(
                    "credentialsId",
                    "the file credential '" + file.getId() + "' cannot be read",
                    "upload the kubeconfig file to the credential again");
        }
    }

    private static Config fromKubeconfig(
            String text, String context, boolean serverUrlGiven, Set<String> secrets, String source) {
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = KubeConfigUtils.parseConfigFromString(text);
        } catch (RuntimeException e) {
            // never the parser's message: it may quote a line holding a token
            throw notKubeconfig("is not valid YAML");
        }
        if (parsed == null
                || parsed.getContexts() == null
                || parsed.getContexts().isEmpty()) {
            throw notKubeconfig("defines no contexts");
        }
        secrets.addAll(CredentialMask.kubeconfigCredentials(parsed));
        List<String> names = parsed.getContexts().stream()
                .map(NamedContext::getName)
                .filter(Objects::nonNull)
                .toList();
        String chosen = context != null ? context : parsed.getCurrentContext();
        if (chosen == null || chosen.isBlank()) {
            throw new InvalidInputException(
                    "context", source + " has no current-context", "pass context: one of " + names);
        }
        if (!names.contains(chosen)) {
            throw new InvalidInputException(
                    "context", "no context '" + chosen + "' in " + source, "pass context: one of " + names);
        }
        return KubeconfigLogin.of(parsed, chosen, source, serverUrlGiven);
    }

    private static InvalidInputException notKubeconfig(String why) {
        return new InvalidInputException(
                "credentialsId",
                "the file credential is not a kubeconfig (" + why + ")",
                "upload a kubeconfig YAML file, e.g. the output of kubectl config view --flatten --minify");
    }
}
