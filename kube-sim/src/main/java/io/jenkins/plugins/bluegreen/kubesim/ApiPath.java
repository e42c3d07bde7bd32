package io.jenkins.plugins.bluegreen.kubesim;

import java.util.Optional;

/**
 * A parsed resource path such as {@code /apis/apps/v1/namespaces/ns/deployments/web/scale}.
 * Immutable; fields that a path does not name are null.
 */
record ApiPath(String group, String version, String namespace, String plural, String name, String subresource) {

    /** Parses a request path (no query). Discovery paths and unknown shapes give empty. */
    static Optional<ApiPath> parse(String path) {
        String[] s = trim(path).split("/");
        int i;
        String group;
        String version;
        if (s.length >= 3 && s[0].equals("api")) {
            group = "";
            version = s[1];
            i = 2;
        } else if (s.length >= 4 && s[0].equals("apis")) {
            group = s[1];
            version = s[2];
            i = 3;
        } else {
            return Optional.empty();
        }
        int rest = s.length - i;
        if (s[i].equals("namespaces") && rest >= 3 && !isNamespaceSubresource(s, i, rest)) {
            String ns = s[i + 1];
            String plural = s[i + 2];
            String name = rest >= 4 ? s[i + 3] : null;
            String sub = rest >= 5 ? s[i + 4] : null;
            return rest > 5 ? Optional.empty() : Optional.of(new ApiPath(group, version, ns, plural, name, sub));
        }
        if (rest > 3) {
            return Optional.empty();
        }
        return Optional.of(
                new ApiPath(group, version, null, s[i], rest >= 2 ? s[i + 1] : null, rest >= 3 ? s[i + 2] : null));
    }

    // /api/v1/namespaces/foo/status and /finalize address the namespace itself, not a collection
    private static boolean isNamespaceSubresource(String[] s, int i, int rest) {
        return rest == 3 && (s[i + 2].equals("status") || s[i + 2].equals("finalize"));
    }

    private static String trim(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    boolean isCollection() {
        return name == null;
    }

    String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The path of the object itself, without subresource. */
    String objectPath() {
        String prefix = group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version;
        String ns = namespace == null ? "" : "/namespaces/" + namespace;
        return prefix + ns + "/" + plural + (name == null ? "" : "/" + name);
    }
}
