package org.jenkinsci.plugins.kubernetes.auth.impl;

import io.fabric8.kubernetes.client.ConfigBuilder;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthConfig;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuthException;

public class KubernetesAuthKubeconfig implements KubernetesAuth {
    // Holds the text, so offline tests can hand the resolver the kind kubernetes-credentials makes of a file.
    private final String kubeconfig;

    public KubernetesAuthKubeconfig(String kubeconfig) {
        this.kubeconfig = kubeconfig;
    }

    @Override
    public String buildKubeConfig(KubernetesAuthConfig config) {
        return kubeconfig;
    }

    // The real one loads the text with fabric8's kubeconfig loader; the plugin must never call it.
    @Override
    public ConfigBuilder decorate(ConfigBuilder builder, KubernetesAuthConfig config) {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public io.fabric8.kubernetes.api.model.ConfigBuilder buildConfigBuilder(
            KubernetesAuthConfig config, String context, String clusterName, String username)
            throws KubernetesAuthException {
        throw new UnsupportedOperationException("stub");
    }

    public String getKubeconfig() {
        return kubeconfig;
    }
}
