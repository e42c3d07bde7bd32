package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import org.junit.jupiter.api.Test;

class DeploymentManifestTest {
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    static final String VALID = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: whatever
            spec:
              replicas: 3
              selector:
                matchLabels: {app: myapp}
              template:
                metadata:
                  labels: {app: myapp, version: v2}
                spec:
                  containers:
                  - name: web
                    image: myapp:2
            """;

    @Test
    void parsesADeployment() {
        Deployment deployment = DeploymentManifest.parse(VALID, serialization);

        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:2");
    }

    @Test
    void refusesTextThatIsNotYaml() {
        assertInvalid("{ this: is: not [yaml", "not valid YAML");
    }

    @Test
    void refusesAnEmptyManifest() {
        assertInvalid("  \n", "is empty");
    }

    @Test
    void refusesOtherKinds() {
        assertInvalid("apiVersion: v1\nkind: Service\nmetadata: {name: x}\n", "is a Service, not a Deployment");
    }

    @Test
    void refusesOldApiVersions() {
        assertInvalid(VALID.replace("apps/v1", "extensions/v1beta1"), "apiVersion extensions/v1beta1");
    }

    @Test
    void refusesADeploymentWithoutContainers() {
        assertInvalid("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  template:
                    spec:
                      containers: []
                """, "no containers");
    }

    @Test
    void refusesSeveralDocuments() {
        assertInvalid(VALID + "---\napiVersion: v1\nkind: Service\nmetadata: {name: x}\n", "2 YAML documents");
    }

    @Test
    void acceptsALeadingDocumentSeparator() {
        assertThat(DeploymentManifest.parse("---\n" + VALID, serialization)).isNotNull();
    }

    private void assertInvalid(String yaml, String problem) {
        assertThatThrownBy(() -> DeploymentManifest.parse(yaml, serialization))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("manifest");
                    assertThat(e.getMessage()).contains(problem).contains("nothing was changed");
                });
    }
}
