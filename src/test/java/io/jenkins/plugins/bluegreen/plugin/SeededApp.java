package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.BlueGreenSettings;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The offline step tests' fixture, once: before each test a fresh namespace on the class's kube-sim with app
 * {@value #APP} live in blue ({@value #IMAGE}) and a {@link PluginSim} runtime installed; after it, the runtime
 * closed. Register it on an instance field, after the class's static {@link KubeSimExtension} (whose per-test
 * callbacks run first):
 *
 * <pre>{@code
 * @RegisterExtension
 * final SeededApp app = new SeededApp(SIM, 2);
 * }</pre>
 */
final class SeededApp implements BeforeEachCallback, AfterEachCallback {
    static final String APP = "shop";
    static final String IMAGE = "registry.example/shop:1.0";

    private final KubeSimExtension kube;
    private final int replicas;
    /** Null when each test seeds with settings of its own through {@link #seed(BlueGreenSettings)}. */
    private final BlueGreenSettings settings;

    private PluginSim sim;
    private String ns;

    /** Seeded with the core's default settings. */
    SeededApp(KubeSimExtension kube, int replicas) {
        this(kube, replicas, BlueGreenSettings.defaults());
    }

    private SeededApp(KubeSimExtension kube, int replicas, BlueGreenSettings settings) {
        this.kube = kube;
        this.replicas = replicas;
        this.settings = settings;
    }

    /** Only the namespace is made before each test: the test calls {@link #seed} with the settings it needs. */
    static SeededApp seededByEachTest(KubeSimExtension kube, int replicas) {
        return new SeededApp(kube, replicas, null);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (settings == null) {
            ns = kube.newNamespace();
        } else {
            sim = new PluginSim(kube.sim(), kube.client(), settings);
            ns = kube.newNamespace();
            sim.seedLive(ns, APP, replicas, IMAGE);
        }
    }

    /** Installs the runtime with {@code testSettings} and seeds the app; for {@link #seededByEachTest} only. */
    void seed(BlueGreenSettings testSettings) {
        if (settings != null || sim != null) {
            throw new IllegalStateException("already seeded: use SeededApp.seededByEachTest to seed in the test");
        }
        sim = new PluginSim(kube.sim(), kube.client(), testSettings);
        sim.seedLive(ns, APP, replicas, IMAGE);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (sim != null) {
            sim.close();
            sim = null;
        }
    }

    PluginSim sim() {
        if (sim == null) {
            throw new IllegalStateException("not seeded yet");
        }
        return sim;
    }

    String ns() {
        return ns;
    }

    /** {@code step} pointed at the sim's credentials and this test's namespace. */
    <S extends ClusterStep> S onSim(S step) {
        return PluginSim.onSim(step, ns);
    }

    /** A blueGreenDeploy of {@value #APP} with {@code image}, on the sim. */
    BlueGreenDeployStep deployStep(String image) {
        BlueGreenDeployStep step = onSim(new BlueGreenDeployStep(APP));
        step.setImage(image);
        return step;
    }

    /** A build's context without workspace or body. */
    TestStepContext context() {
        return new TestStepContext(TestStepContext.buildEnv(), null, null);
    }

    /** Starts {@code step} in a fresh {@link #context()} and waits for it to succeed; the context tells the rest. */
    TestStepContext runToSuccess(ClusterStep step) throws Exception {
        TestStepContext ctx = context();
        sim().start(step, ctx);
        ctx.awaitSuccess();
        return ctx;
    }
}
