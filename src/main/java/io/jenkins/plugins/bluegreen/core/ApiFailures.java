package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.security.cert.CertificateException;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/** Turns fabric8's exceptions into the typed failures of core, each saying what to do. */
final class ApiFailures {
    /**
     * The reason part of every Kubernetes 403 (k8s.io/apiserver's forbiddenMessage, unchanged since 1.11):
     * {@code User "u" cannot update resource "services" in API group "" in the namespace "shop"}.
     */
    private static final Pattern FORBIDDEN = Pattern.compile("User \"([^\"]*)\" cannot (\\S+) resource \"([^\"]+)\" "
            + "in API group \"([^\"]*)\"(?: in the namespace \"([^\"]*)\")?");

    /**
     * fabric8's description of the request that failed, e.g. {@code Failure executing: GET at:
     * https://host/api/v1/namespaces/shop/pods?watch=true. Message: Forbidden.} — all there is for a refused
     * WebSocket watch, whose upgrade answer carries no Status text.
     */
    private static final Pattern REQUEST = Pattern.compile("Failure executing: ([A-Z]+) at: (\\S+?)\\. Message:");

    private static final Pattern RESOURCE_PATH =
            Pattern.compile("/(?:api|apis/([^/]+))/[^/]+(?:/namespaces/([^/]+))?/([^/]+)(?:/([^/]+)(?:/([^/]+))?)?/?");

    private ApiFailures() {}

    /** No HTTP answer at all: refused, reset, timed out, unknown host. The request may or may not have arrived. */
    static boolean isUnreachable(Throwable failure) {
        if (failure instanceof KubernetesClientException kce && kce.getCode() > 0) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof InterruptedIOException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static boolean isConflict(Throwable failure) {
        return failure instanceof KubernetesClientException kce && kce.getCode() == HttpURLConnection.HTTP_CONFLICT;
    }

    /** 403: authenticated, but RBAC does not allow it. */
    static boolean isForbidden(Throwable failure) {
        return failure instanceof KubernetesClientException kce && kce.getCode() == HttpURLConnection.HTTP_FORBIDDEN;
    }

    private static boolean isUnauthorized(Throwable failure) {
        return failure instanceof KubernetesClientException kce && kce.getCode() == HttpURLConnection.HTTP_UNAUTHORIZED;
    }

    /** @param doing what was being attempted, e.g. "reading Service myapp in namespace shop" */
    static BlueGreenException translate(Throwable failure, String doing) {
        if (failure instanceof BlueGreenException typed) {
            return typed;
        }
        if (isUnreachable(failure) && cause(failure, SSLException.class, CertificateException.class) != null) {
            return new ClusterUnreachableException(
                    "cannot verify the Kubernetes API server's TLS certificate while "
                            + doing + ": " + rootMessage(failure) + " — give the kubeconfig the cluster's CA "
                            + "(certificate-authority or certificate-authority-data); insecure-skip-tls-verify turns the check "
                            + "off, which lets anyone on the network path pose as the API server and receive the credentials",
                    failure);
        }
        if (isUnreachable(failure)) {
            return new ClusterUnreachableException(
                    "cannot reach the Kubernetes API while " + doing + ": " + rootMessage(failure)
                            + " — check the server URL, kubeconfig/context and network, then retry",
                    failure);
        }
        KubernetesClientException answered =
                (KubernetesClientException) cause(failure, KubernetesClientException.class);
        while (answered != null && answered.getCode() <= 0 && answered.getCause() != null) {
            // an informer's or a watch's own wrapper around the API server's answer
            answered = (KubernetesClientException) cause(answered.getCause(), KubernetesClientException.class);
        }
        if (isForbidden(answered)) {
            return forbidden(answered, doing);
        }
        if (isUnauthorized(answered)) {
            // the server's text is only "Unauthorized"; what helps is where the credentials come from
            return new BlueGreenException(
                    "unauthorized: the Kubernetes API did not accept the credentials (HTTP 401) "
                            + "while " + doing
                            + " — the token or client certificate of the kubeconfig context is missing, "
                            + "invalid or expired; get fresh credentials and retry",
                    failure);
        }
        if (failure instanceof WatcherException) {
            return new ClusterUnreachableException(
                    "the watch broke while " + doing + ": " + rootMessage(failure)
                            + " — check the connection to the Kubernetes API and retry",
                    failure);
        }
        return new BlueGreenException("failed " + doing + ": " + rootMessage(failure), failure);
    }

    /**
     * A 403 as the missing RBAC rule: {@code forbidden: needs verb update on resource services (core API group) in
     * namespace shop}, read from the Status message every Kubernetes API server sends; the raw message when it has
     * another shape (a webhook authorizer's own text, say).
     */
    static PermissionDeniedException forbidden(KubernetesClientException failure, String doing) {
        String status = failure.getStatus() != null && failure.getStatus().getMessage() != null
                ? failure.getStatus().getMessage()
                : String.valueOf(failure.getMessage());
        Matcher m = FORBIDDEN.matcher(status);
        if (m.find()) {
            return forbidden(
                    m.group(2),
                    m.group(3),
                    m.group(4),
                    m.group(5),
                    "User \"" + m.group(1) + "\" may not",
                    doing,
                    failure);
        }
        Matcher request = REQUEST.matcher(String.valueOf(failure.getMessage()));
        if (request.find()) {
            Matcher path = RESOURCE_PATH.matcher(URI.create(request.group(2)).getPath());
            if (path.matches()) {
                String query = URI.create(request.group(2)).getRawQuery();
                String verb = verb(
                        request.group(1),
                        path.group(4) != null,
                        query != null && query.matches("(.*&)?watch=(true|1)(&.*)?"));
                String resource = path.group(5) == null ? path.group(3) : path.group(3) + "/" + path.group(5);
                return forbidden(
                        verb,
                        resource,
                        path.group(1) == null ? "" : path.group(1),
                        path.group(2),
                        "the API server refused it",
                        doing,
                        failure);
            }
        }
        return new PermissionDeniedException(
                "forbidden: the Kubernetes API refused " + doing + " (HTTP 403: " + status
                        + ") — compare the account's Role with docs/rbac.yaml",
                null,
                null,
                null,
                null,
                failure);
    }

    private static PermissionDeniedException forbidden(
            String verb, String resource, String group, String namespace, String who, String doing, Throwable failure) {
        String where = namespace == null ? " at cluster scope" : " in namespace " + namespace;
        String during = namespace == null ? doing : doing.replace(" in namespace " + namespace, "");
        return new PermissionDeniedException(
                "forbidden: needs verb " + verb + " on resource " + resource
                        + (group.isEmpty() ? " (core API group)" : " (API group " + group + ")") + where + ", while "
                        + during
                        + " — " + who
                        + "; add the verb to the account's Role (docs/rbac.yaml lists every verb blue-green "
                        + "uses)",
                verb,
                resource,
                group,
                namespace,
                failure);
    }

    /** The RBAC verb of an HTTP request, as the API server derives it. */
    private static String verb(String method, boolean named, boolean watch) {
        return switch (method) {
            case "GET", "HEAD" -> watch ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    /** The first cause of one of these types in the chain, or null. */
    @SafeVarargs
    private static Throwable cause(Throwable failure, Class<? extends Throwable>... types) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return t;
                }
            }
        }
        return null;
    }

    static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String own = ownMessage(failure);
        String rootText = root.getClass().getSimpleName() + ": " + root.getMessage();
        String message = root == failure ? own : own == null ? rootText : own + " (" + rootText + ")";
        return message == null ? failure.getClass().getSimpleName() : message;
    }

    /**
     * fabric8's wrappers repeat what the caller's "while ..." already says ({@code Operation: [get] for kind:
     * [Deployment] with name: [x] in namespace: [y] failed.}) or the whole request and Status dump; what is left is
     * the API server's own words with the HTTP code, or nothing.
     */
    private static String ownMessage(Throwable failure) {
        if (failure instanceof KubernetesClientException kce
                && kce.getCode() > 0
                && kce.getStatus() != null
                && kce.getStatus().getMessage() != null) {
            return "HTTP " + kce.getCode() + ": " + kce.getStatus().getMessage();
        }
        String message = failure.getMessage();
        if (message == null) {
            return null;
        }
        message = FABRIC8_OPERATION.matcher(message).replaceFirst("").strip();
        return message.isEmpty() ? null : message;
    }

    private static final Pattern FABRIC8_OPERATION =
            Pattern.compile("^Operation: \\[[^\\]]*\\]\\s+for kind: .*? failed\\.");
}
