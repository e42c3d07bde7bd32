package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: one {@link KubeSim} per test class (register it on a static field), or one
 * per test (instance field).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final KubeSimExtension SIM = new KubeSimExtension();
 * ... SIM.client().apps().deployments().inNamespace(SIM.newNamespace()) ...
 * }</pre>
 */
public final class KubeSimExtension
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final KubeSim.Builder builder;
    private KubeSim sim;
    private KubernetesClient client;
    private boolean perClass;

    public KubeSimExtension() {
        this(KubeSim.builder());
    }

    /** Uses the given settings, e.g. {@code KubeSim.builder().readyDelay(Duration.ofMillis(50))}. */
    public KubeSimExtension(KubeSim.Builder builder) {
        this.builder = builder;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        perClass = true;
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        stop();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (sim == null) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!perClass) {
            stop();
        }
    }

    private void start() {
        sim = builder.build().start();
        client = sim.newClient();
    }

    private void stop() {
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
        client = null;
        sim = null;
    }

    public KubeSim sim() {
        if (sim == null) {
            throw new IllegalStateException("kube-sim is not running: register the extension with @RegisterExtension");
        }
        return sim;
    }

    /** A client shared by the test class (namespace default), closed after it. */
    public KubernetesClient client() {
        sim();
        return client;
    }

    /** Creates a fresh, uniquely named namespace and returns its name. */
    public String newNamespace() {
        return sim().newNamespace();
    }
}
