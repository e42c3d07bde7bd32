package io.jenkins.plugins.bluegreen.plugin;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Cluster;
import io.fabric8.kubernetes.api.model.Context;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.util.List;
import java.util.Objects;

/**
 * One context of a kubeconfig that came from a credential, turned into a fabric8 {@link Config} as data only.
 * fabric8's own kubeconfig loading runs a user's {@code exec} command (and auth-provider refreshers) and reads the
 * files a kubeconfig names: on the controller that would let whoever can store a credential run programs or read
 * files there. So only inline values are taken (server, CA data, token, client certificate and key data, username
 * and password); a user with {@code exec} or {@code auth-provider}, and any file reference, is refused with what to
 * use instead.
 */
final class KubeconfigLogin {
    private KubeconfigLogin() {}

    /**
     * @param parsed  the kubeconfig, parsed
     * @param chosen  the context to use (exists in {@code parsed})
     * @param source  how messages name the kubeconfig, e.g. "the kubeconfig credential 'prod'"
     * @param serverElsewhere whether the caller sets the server itself (step's serverUrl); else the cluster must name one
     */
    static Config of(
            io.fabric8.kubernetes.api.model.Config parsed, String chosen, String source, boolean serverElsewhere) {
        Context context = named(parsed.getContexts(), NamedContext::getName, chosen)
                .map(NamedContext::getContext)
                .orElseThrow(() -> new InvalidInputException(
                        "context", "no context '" + chosen + "' in " + source, "pass an existing context"));
        if (context == null || context.getCluster() == null) {
            throw new InvalidInputException(
                    "credentialsId",
                    "the context '" + chosen + "' of " + source + " names no cluster",
                    "give the context a cluster entry");
        }
        Cluster cluster = named(parsed.getClusters(), NamedCluster::getName, context.getCluster())
                .map(NamedCluster::getCluster)
                .orElseThrow(() -> new InvalidInputException(
                        "credentialsId",
                        "the cluster '" + context.getCluster() + "' of context '" + chosen + "' is missing from "
                                + source,
                        "add it to the kubeconfig"));
        AuthInfo user = context.getUser() == null
                ? null
                : named(parsed.getUsers(), NamedAuthInfo::getName, context.getUser())
                        .map(NamedAuthInfo::getUser)
                        .orElseThrow(() -> new InvalidInputException(
                                "credentialsId",
                                "the user '" + context.getUser() + "' of context '" + chosen + "' is missing from "
                                        + source,
                                "add it to the kubeconfig"));
        refuseWhatRunsOrReads(cluster, user, context.getUser(), source);
        // fabric8's builder turns a missing server into https://kubernetes.default.svc: the controller's own cluster
        if (!serverElsewhere
                && (cluster.getServer() == null || cluster.getServer().isBlank())) {
            throw new InvalidInputException(
                    "serverUrl",
                    "the cluster '" + context.getCluster() + "' of context '" + chosen + "' in " + source
                            + " names no server",
                    "add server: to that cluster in the kubeconfig, or pass serverUrl");
        }

        ConfigBuilder config = new ConfigBuilder(Config.empty())
                .withMasterUrl(cluster.getServer())
                .withCaCertData(cluster.getCertificateAuthorityData())
                .withTrustCerts(Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify()))
                .withDisableHostnameVerification(Boolean.TRUE.equals(cluster.getInsecureSkipTlsVerify()))
                .withNamespace(context.getNamespace());
        if (cluster.getProxyUrl() != null) {
            config.withHttpProxy(cluster.getProxyUrl()).withHttpsProxy(cluster.getProxyUrl());
        }
        if (user != null) {
            config.withOauthToken(user.getToken())
                    .withClientCertData(user.getClientCertificateData())
                    .withClientKeyData(user.getClientKeyData())
                    .withUsername(user.getUsername())
                    .withPassword(user.getPassword());
        }
        return config.build();
    }

    private static void refuseWhatRunsOrReads(Cluster cluster, AuthInfo user, String userName, String source) {
        if (user != null && user.getExec() != null) {
            throw refused(
                    source,
                    Messages.KubeconfigLogin_exec(userName, user.getExec().getCommand()));
        }
        if (user != null && user.getAuthProvider() != null) {
            throw refused(
                    source,
                    Messages.KubeconfigLogin_authProvider(
                            userName, user.getAuthProvider().getName()));
        }
        // a file the kubeconfig names, and the inline field to use instead
        String[] file = user != null && user.getTokenFile() != null
                ? new String[] {"tokenFile", "token"}
                : user != null && user.getClientCertificate() != null
                        ? new String[] {"client-certificate", "client-certificate-data"}
                        : user != null && user.getClientKey() != null
                                ? new String[] {"client-key", "client-key-data"}
                                : cluster.getCertificateAuthority() != null
                                        ? new String[] {"certificate-authority", "certificate-authority-data"}
                                        : null;
        if (file != null) {
            throw refused(source, Messages.KubeconfigLogin_file(file[0], file[1]));
        }
        if (user != null
                && (user.getAs() != null
                        || (user.getAsGroups() != null && !user.getAsGroups().isEmpty()))) {
            throw refused(source, Messages.KubeconfigLogin_impersonation(userName));
        }
    }

    private static InvalidInputException refused(String source, String why) {
        return new InvalidInputException(
                "credentialsId", Messages.KubeconfigLogin_refused(source, why), Messages.KubeconfigLogin_instead());
    }

    private static <T> java.util.Optional<T> named(
            List<T> entries, java.util.function.Function<T, String> name, String wanted) {
        return entries == null
                ? java.util.Optional.empty()
                : entries.stream()
                        .filter(e -> Objects.equals(name.apply(e), wanted))
                        .findFirst();
    }
}
