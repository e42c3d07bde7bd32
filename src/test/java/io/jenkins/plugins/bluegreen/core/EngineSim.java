package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The set-up engine tests share: kube-sim for the test class (register on a static field), and per test a fresh
 * namespace with the app seeded in it and an engine on it. Test instances are made after the class's sim started,
 * so the per-test parts can initialise final fields:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));
 * private final SimApps apps = SIM.liveOnBlue(2);
 * private final BlueGreen blueGreen = SIM.engine(apps.namespace()).build();
 * }</pre>
 */
final class EngineSim implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
    static final String APP = "myapp";
    static final String IMAGE = "myapp:1";

    private final KubeSimExtension sim;

    private EngineSim(KubeSim.Builder builder) {
        this.sim = new KubeSimExtension(builder);
    }

    /** Pods become ready {@code readyDelay} after they start. */
    static EngineSim readyAfter(Duration readyDelay) {
        return of(KubeSim.builder().readyDelay(readyDelay));
    }

    static EngineSim of(KubeSim.Builder builder) {
        return new EngineSim(builder);
    }

    /** A fresh namespace with nothing in it. */
    SimApps emptyNamespace() {
        return new SimApps(client(), newNamespace());
    }

    /** A fresh namespace where {@code myapp} is under blue-green, live on blue with {@code replicas} ready pods. */
    SimApps liveOnBlue(int replicas) {
        return live(Color.BLUE, replicas);
    }

    /** A fresh namespace where {@code myapp} is under blue-green, live on {@code color}. */
    SimApps live(Color color, int replicas) {
        SimApps apps = emptyNamespace();
        apps.seedLive(APP, color, replicas, IMAGE);
        return apps;
    }

    /** A fresh namespace where {@code myapp} runs as {@code myapp-v1}, not under blue-green yet. */
    SimApps unadopted(int replicas) {
        SimApps apps = emptyNamespace();
        apps.seedUnadopted(APP, replicas, IMAGE);
        return apps;
    }

    /** An engine on the class's client in {@code namespace}; add a listener, clock or settings, then build. */
    BlueGreen.Builder engine(String namespace) {
        return BlueGreen.builder(client()).namespace(namespace);
    }

    KubeSim sim() {
        return sim.sim();
    }

    KubernetesClient client() {
        return sim.client();
    }

    String newNamespace() {
        return sim.newNamespace();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        sim.beforeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        sim.afterAll(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        sim.beforeEach(context);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        sim.afterEach(context);
    }
}
