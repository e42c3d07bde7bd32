package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.Config;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What makes two cluster configurations interchangeable for one client: the server and how it is trusted, the
 * credentials, impersonation, proxies and the client's timeouts and limits. The namespace is deliberately left out:
 * core names the namespace on every call, so steps in different namespaces share a client. Kept as a SHA-256 digest
 * so the cache's keys do not hold secrets in plain text.
 */
record ClusterKey(String digest) {

    /**
     * The key, or empty when the configuration is not safe to share: an {@code OAuthTokenProvider} is a live object
     * whose tokens cannot be compared, so such a client is never cached.
     */
    static Optional<ClusterKey> of(Config config) {
        if (config.getOauthTokenProvider() != null) {
            return Optional.empty();
        }
        List<Object> parts = new ArrayList<>(List.of(
                "url",
                str(config.getMasterUrl()),
                "trust",
                config.isTrustCerts(),
                "noHostCheck",
                config.isDisableHostnameVerification(),
                "ca",
                str(config.getCaCertFile()),
                str(config.getCaCertData()),
                "cert",
                str(config.getClientCertFile()),
                str(config.getClientCertData()),
                "key",
                str(config.getClientKeyFile()),
                str(config.getClientKeyData()),
                str(config.getClientKeyAlgo()),
                str(config.getClientKeyPassphrase()),
                "stores",
                str(config.getTrustStoreFile()),
                str(config.getTrustStorePassphrase()),
                str(config.getKeyStoreFile()),
                str(config.getKeyStorePassphrase()),
                "user",
                str(config.getUsername()),
                str(config.getPassword()),
                "token",
                str(config.getOauthToken()),
                str(config.getAutoOAuthToken()),
                "authProvider",
                str(config.getAuthProvider()),
                "impersonate",
                str(config.getImpersonateUsername()),
                Arrays.toString(config.getImpersonateGroups()),
                str(config.getImpersonateExtras()),
                "proxy",
                str(config.getHttpProxy()),
                str(config.getHttpsProxy()),
                Arrays.toString(config.getNoProxy()),
                str(config.getProxyUsername()),
                str(config.getProxyPassword()),
                "headers",
                str(config.getCustomHeaders()),
                "agent",
                str(config.getUserAgent()),
                "tls",
                Arrays.toString(config.getTlsVersions()),
                "http2Off",
                config.isHttp2Disable(),
                "timeouts",
                str(config.getConnectionTimeout()),
                str(config.getRequestTimeout()),
                str(config.getRequestRetryBackoffLimit()),
                str(config.getRequestRetryBackoffInterval()),
                str(config.getWatchReconnectInterval()),
                str(config.getWatchReconnectLimit()),
                str(config.getWebsocketPingInterval()),
                "limits",
                str(config.getMaxConcurrentRequests()),
                str(config.getMaxConcurrentRequestsPerHost()),
                // a kubeconfig whose exec plugin or token file refreshes credentials is re-read from its file
                "file",
                str(config.getFile()),
                "context",
                config.getCurrentContext() == null
                        ? ""
                        : str(config.getCurrentContext().getName())));
        return Optional.of(new ClusterKey(sha256(parts.toString())));
    }

    private static String str(Object value) {
        return Objects.toString(value, "");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
