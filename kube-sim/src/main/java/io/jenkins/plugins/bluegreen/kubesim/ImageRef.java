package io.jenkins.plugins.bluegreen.kubesim;

/**
 * An image reference as the container runtime spells it in pod statuses and pull errors: a name
 * without a registry host is on Docker Hub ({@code nginx} → {@code docker.io/library/nginx},
 * {@code team/app} → {@code docker.io/team/app}); a first component with a dot or a port, or
 * {@code localhost}, is a registry host and is kept. No tag and no digest means {@code :latest}.
 */
record ImageRef(String repository, String tag, String digest) {

    static ImageRef parse(String image) {
        String rest = image;
        String digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = null;
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        int slash = rest.indexOf('/');
        String first = slash < 0 ? "" : rest.substring(0, slash);
        boolean hasHost = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost"));
        String repository = hasHost ? rest : slash < 0 ? "docker.io/library/" + rest : "docker.io/" + rest;
        return new ImageRef(repository, tag == null && digest == null ? "latest" : tag, digest);
    }

    /** {@code docker.io/library/nginx:1}, {@code 172.16.80.140/myapp/myapp:v1}, {@code repo@sha256:...}. */
    String full() {
        return repository + (tag == null ? "" : ":" + tag) + (digest == null ? "" : "@" + digest);
    }
}
