package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterOptionsTest {

    static final String TWO_CONTEXTS = """
            apiVersion: v1
            kind: Config
            clusters:
            - name: one
              cluster: {server: "http://127.0.0.1:1111"}
            - name: two
              cluster: {server: "http://127.0.0.1:2222"}
            users:
            - name: me
              user: {token: t0k3n}
            contexts:
            - name: shop
              context: {cluster: one, user: me, namespace: shop}
            - name: plain
              context: {cluster: two, user: me}
            current-context: shop
            """;

    @TempDir
    Path dir;

    private ClusterOptions options(Path kubeconfig, String context, String namespace) {
        ClusterOptions o = new ClusterOptions();
        o.kubeconfig = kubeconfig;
        o.context = context;
        o.namespace = namespace;
        return o;
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void currentContextGivesServerAndNamespace() throws IOException {
        Cluster c = options(write("kc", TWO_CONTEXTS), null, null).resolve();
        assertThat(c.server()).isEqualTo("http://127.0.0.1:1111/");
        assertThat(c.namespace()).isEqualTo("shop");
        assertThat(c.config().getAutoOAuthToken()).isEqualTo("t0k3n");
        assertThat(c.config().getRequestRetryBackoffLimit()).isEqualTo(ClusterOptions.RETRIES);
    }

    @Test
    void contextOptionSelectsAnotherContextAndNamespaceDefaults() throws IOException {
        Cluster c = options(write("kc", TWO_CONTEXTS), "plain", null).resolve();
        assertThat(c.server()).isEqualTo("http://127.0.0.1:2222/");
        assertThat(c.namespace()).isEqualTo("default");
    }

    @Test
    void namespaceOptionOverridesTheContext() throws IOException {
        assertThat(options(write("kc", TWO_CONTEXTS), null, "staging").resolve().namespace())
                .isEqualTo("staging");
    }

    @Test
    void unknownContextIsNamedWithTheAvailableOnes() throws IOException {
        Path kc = write("kc", TWO_CONTEXTS);
        assertThatThrownBy(() -> options(kc, "prod", null).resolve())
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("--context prod")
                .hasMessageContaining("available: shop, plain");
    }

    @Test
    void missingDirectoryOrGarbageKubeconfigIsInvalidInput() throws IOException {
        assertThatThrownBy(() -> options(dir.resolve("nope"), null, null).resolve())
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("--kubeconfig")
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> options(dir, null, null).resolve())
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("is a directory");
        Path garbage = write("garbage", "{{{ this is : not [ yaml");
        assertThatThrownBy(() -> options(garbage, null, null).resolve())
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("is not a kubeconfig");
    }

    @Test
    void kubeconfigWithoutCurrentContextAsksForOne() throws IOException {
        Path kc = write("kc", TWO_CONTEXTS.replace("current-context: shop", ""));
        assertThatThrownBy(() -> options(kc, null, null).resolve())
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("no current-context")
                .hasMessageContaining("--context");
        assertThat(options(kc, "shop", null).resolve().namespace()).isEqualTo("shop");
    }

    /**
     * Without --kubeconfig, fabric8's default locations apply ($KUBECONFIG, ~/.kube/config); its {@code kubeconfig}
     * system property stands in for $KUBECONFIG here, since a test cannot set environment variables.
     */
    @Test
    void withoutTheOptionTheDefaultKubeconfigIsCheckedTheSameWay() throws IOException {
        Path kc = write("default-kc", TWO_CONTEXTS);
        String previous = System.getProperty("kubeconfig");
        System.setProperty("kubeconfig", kc.toString());
        try {
            Cluster c = options(null, null, null).resolve();
            assertThat(c.server()).isEqualTo("http://127.0.0.1:1111/");
            assertThat(c.namespace()).isEqualTo("shop");
            assertThat(options(null, "plain", "x").resolve().server()).isEqualTo("http://127.0.0.1:2222/");
            assertThatThrownBy(() -> options(null, "prod", null).resolve())
                    .isInstanceOf(UserInputException.class)
                    .hasMessageContaining("--context prod")
                    .hasMessageContaining("available: shop, plain");
        } finally {
            if (previous == null) {
                System.clearProperty("kubeconfig");
            } else {
                System.setProperty("kubeconfig", previous);
            }
        }
    }

    /** {@code --kubeconfig <(some command)}: a pipe can be read once only, and that must be enough. */
    @Test
    void aKubeconfigFromAPipeWorks() throws Exception {
        Path fifo = dir.resolve("kc.fifo");
        org.junit.jupiter.api.Assumptions.assumeTrue(
                new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "mkfifo not available");
        Thread writer = new Thread(() -> {
            try {
                Files.writeString(fifo, TWO_CONTEXTS);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        Cluster c = options(fifo, "plain", null).resolve();
        writer.join();
        assertThat(c.server()).isEqualTo("http://127.0.0.1:2222/");
    }

    @Test
    void blankNamespaceIsRejected() throws IOException {
        Path kc = write("kc", TWO_CONTEXTS);
        assertThatThrownBy(() -> options(kc, null, " ").resolve())
                .isInstanceOf(UserInputException.class)
                .hasMessageContaining("--namespace");
    }
}
