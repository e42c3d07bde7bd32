package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code bluegreen sim --rbac}: the identity docs/rbac.yaml binds (ServiceAccount ci/jenkins) gets a token, and
 * that file's Role, ClusterRole and bindings are applied in namespace {@code default}, the kubeconfig's namespace.
 * The file is the one the docs ship, packaged into the jar by the build.
 */
final class RbacSetup {

    static final String NAMESPACE = "ci";
    static final String ACCOUNT = "jenkins";
    static final String USER = "system:serviceaccount:" + NAMESPACE + ":" + ACCOUNT;
    private static final String TARGET_NAMESPACE = "default";

    private RbacSetup() {}

    /** Applies docs/rbac.yaml with the administrator's rights; returns the bound account's token. */
    static String bindDocumentedRole(KubeSim sim) {
        String token = sim.rbac().serviceAccountToken(NAMESPACE, ACCOUNT);
        try (InputStream yaml = RbacSetup.class.getResourceAsStream("rbac.yaml");
                KubernetesClient admin = sim.newClient(TARGET_NAMESPACE)) {
            if (yaml == null) {
                throw new IllegalStateException("docs/rbac.yaml is missing from the jar");
            }
            admin.load(yaml).inNamespace(TARGET_NAMESPACE).create();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return token;
    }
}
