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
import java.util.function.Function;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthConfig;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthException;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.jenkinsci.plugins.plaincredentials.StringCredentials;

/**
 * Turns a step's cluster parameters and its (optional) credential into a fabric8 {@link Config}. Pure: no Jenkins
 * lookups, so every path is unit-tested with fake credentials. The credential decides how to authenticate:
 * <ul>
 *   <li>none: the controller's own configuration, {@code Config.autoConfigure(context)} (in-cluster service account,
 *       or {@code $KUBECONFIG} / {@code ~/.kube/config});</li>
 *   <li>{@link FileCredentials}: its content is a kubeconfig, used with {@code context} or its current-context;</li>
 *   <li>{@link StringCredentials}: a bearer token for the cluster the controller's configuration or {@code serverUrl}
 *       names;</li>
 *   <li>anything else kubernetes-credentials can convert to {@link KubernetesAuth} (certificates, username/password,
 *       ...), which decorates the configuration itself.</li>
 * </ul>
 * {@code serverUrl}, {@code caCertificate}, {@code skipTlsVerify} and {@code namespace} are applied on top. Every
 * secret met on the way is returned so the step can mask it; error messages never quote a credential.
 */
final class ClusterConfigResolver {
    static final String DEFAULT_NAMESPACE = "default";

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

    ClusterConfigResolver(KubernetesAuthConverter converter) {
        this(converter, Config::autoConfigure);
    }

    /** @param autoConfigure the controller's own configuration for a context (null = current) */
    ClusterConfigResolver(KubernetesAuthConverter converter, Function<String, Config> autoConfigure) {
        this.converter = Objects.requireNonNull(converter);
        this.autoConfigure = Objects.requireNonNull(autoConfigure);
    }

    ResolvedCluster resolve(ClusterStep step, StandardCredentials credential) {
        StepInput.serverUrl(step.getServerUrl());
        StepInput.caCertificate(step.getCaCertificate());
        Set<String> secrets = new LinkedHashSet<>();
        List<String> warnings = new ArrayList<>();
        Config config;
        if (credential == null) {
            config = controllerConfig(step.getContext(), step.getCredentialsId());
        } else if (credential instanceof FileCredentials file) {
            config = fromKubeconfig(read(file), step.getContext(), secrets);
        } else if (credential instanceof StringCredentials token) {
            String value = token.getSecret().getPlainText();
            if (value == null || value.isBlank()) {
                throw new InvalidInputException("credentialsId", "the secret text credential '" + credential.getId()
                        + "' is empty", "store the service account's bearer token in it");
            }
            secrets.add(value.strip());
            config = new ConfigBuilder(clusterOnly(step)).withOauthToken(value.strip()).build();
        } else {
            config = fromKubernetesAuth(step, credential);
        }
        if (step.getServerUrl() != null) {
            config.setMasterUrl(step.getServerUrl());
        }
        if (step.getCaCertificate() != null) {
            // fabric8 wants the PEM base64-encoded, as in a kubeconfig's certificate-authority-data
            config.setCaCertData(Base64.getEncoder().encodeToString(
                    step.getCaCertificate().getBytes(StandardCharsets.UTF_8)));
        }
        if (step.isSkipTlsVerify()) {
            config.setTrustCerts(true);
            config.setDisableHostnameVerification(true);
            warnings.add("skipTlsVerify: the API server's certificate is not checked, so the credentials may go to "
                    + "an impostor; pass caCertificate instead");
        }
        if (config.getMasterUrl() == null || config.getMasterUrl().isBlank()) {
            throw new InvalidInputException("serverUrl", "no Kubernetes API server is known",
                    "pass serverUrl, a kubeconfig credential (credentialsId), or run the controller in the cluster");
        }
        for (String s : new String[] {config.getOauthToken(), config.getAutoOAuthToken(), config.getPassword(),
                config.getClientKeyData()}) {
            if (s != null) {
                secrets.add(s);
            }
        }
        String namespace = step.getNamespace() != null ? step.getNamespace()
                : config.getNamespace() != null && !config.getNamespace().isBlank() ? config.getNamespace()
                : DEFAULT_NAMESPACE;
        config.setNamespace(namespace);
        return new ResolvedCluster(config, namespace, secrets, warnings);
    }

    private Config controllerConfig(String context, String credentialsId) {
        try {
            return autoConfigure.apply(context);
        } catch (RuntimeException e) {
            // fabric8's text may quote the kubeconfig; say what to do instead
            throw new InvalidInputException(context != null ? "context" : "credentialsId",
                    "the controller's own Kubernetes configuration cannot be used"
                            + (context != null ? " with context '" + context + "'" : ""),
                    "pass credentialsId with a kubeconfig file credential, or check the controller's kubeconfig");
        }
    }

    /** The cluster (server, CA) of the controller's configuration or serverUrl, with no user credentials of its own. */
    private Config clusterOnly(ClusterStep step) {
        if (step.getServerUrl() != null) {
            return new ConfigBuilder(Config.empty()).withMasterUrl(step.getServerUrl()).build();
        }
        Config base = controllerConfig(step.getContext(), step.getCredentialsId());
        return new ConfigBuilder(base).withOauthToken(null).withUsername(null).withPassword(null)
                .withClientCertData(null).withClientCertFile(null).withClientKeyData(null).withClientKeyFile(null)
                .build();
    }

    private Config fromKubernetesAuth(ClusterStep step, StandardCredentials credential) {
        KubernetesAuth auth = converter.convert(credential);
        if (auth == null) {
            throw new InvalidInputException("credentialsId", "the credential '" + credential.getId()
                    + "' is of a kind that cannot authenticate to Kubernetes",
                    "use a kubeconfig file credential, a secret text credential holding a token, or a "
                            + "certificate/username-password credential");
        }
        try {
            KubernetesAuthConfig authConfig = new KubernetesAuthConfig(step.getServerUrl(), step.getCaCertificate(),
                    step.isSkipTlsVerify());
            ConfigBuilder builder = step.getServerUrl() != null
                    ? new ConfigBuilder(Config.empty()).withMasterUrl(step.getServerUrl())
                    : new ConfigBuilder(clusterOnly(step));
            return auth.decorate(builder, authConfig).build();
        } catch (KubernetesAuthException | RuntimeException e) {
            throw new InvalidInputException("credentialsId", "the credential '" + credential.getId()
                    + "' could not be turned into a Kubernetes login (" + e.getClass().getSimpleName() + ")",
                    "check the credential's content");
        }
    }

    private static String read(FileCredentials file) {
        try (InputStream in = file.getContent()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("credentialsId", "the file credential '" + file.getId()
                    + "' cannot be read", "upload the kubeconfig file to the credential again");
        }
    }

    private static Config fromKubeconfig(String text, String context, Set<String> secrets) {
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = KubeConfigUtils.parseConfigFromString(text);
        } catch (RuntimeException e) {
            // never the parser's message: it may quote a line holding a token
            throw notKubeconfig("is not valid YAML");
        }
        if (parsed == null || parsed.getContexts() == null || parsed.getContexts().isEmpty()) {
            throw notKubeconfig("defines no contexts");
        }
        secrets.addAll(CredentialMask.kubeconfigCredentials(parsed));
        List<String> names = parsed.getContexts().stream().map(NamedContext::getName).filter(Objects::nonNull).toList();
        String chosen = context != null ? context : parsed.getCurrentContext();
        if (chosen == null || chosen.isBlank()) {
            throw new InvalidInputException("context", "the kubeconfig credential has no current-context",
                    "pass context: one of " + names);
        }
        if (!names.contains(chosen)) {
            throw new InvalidInputException("context", "no context '" + chosen + "' in the kubeconfig credential",
                    "pass context: one of " + names);
        }
        try {
            return Config.fromKubeconfig(chosen, text, null);
        } catch (RuntimeException e) {
            throw new InvalidInputException("credentialsId", "the kubeconfig credential's context '" + chosen
                    + "' cannot be used (" + e.getClass().getSimpleName() + ")", "check its cluster and user entries");
        }
    }

    private static InvalidInputException notKubeconfig(String why) {
        return new InvalidInputException("credentialsId", "the file credential is not a kubeconfig (" + why + ")",
                "upload a kubeconfig YAML file, e.g. the output of kubectl config view --flatten --minify");
    }
}
