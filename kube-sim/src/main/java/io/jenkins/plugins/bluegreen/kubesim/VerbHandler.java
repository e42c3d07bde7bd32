package io.jenkins.plugins.bluegreen.kubesim;

/** Serves one Kubernetes verb on a resource path, after the request filter let the request through. */
interface VerbHandler {

    /** The reply; {@code type} is null for a kind kube-sim does not list in discovery. */
    Reply handle(Exchange ex, ApiPath p, ResourceType type);
}
