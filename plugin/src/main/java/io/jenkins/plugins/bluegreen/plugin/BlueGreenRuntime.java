package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.BlueGreenSettings;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;

/**
 * Everything the steps share for the life of the controller: one {@link ClusterClients} (clients and watches reused
 * across builds), the bounded thread pools the executions' blocking glue and core's reads run on, and how
 * credentials are found and turned into cluster configurations, and the old colours' scale-downs that outlive the
 * builds that switched ({@link ScaleDownTasks}), and the deploy locks kept alive while their builds wait
 * ({@link LockKeepers}). Created on first use; tests install their own (with core settings of their choosing, e.g. a
 * short lease).
 *
 * <p>Two pools, because step glue may block on core work (a rollback that waits for the old colour to become
 * healthy again) while core's own short reads must still find a thread: a single bounded pool could starve itself.
 */
public final class BlueGreenRuntime implements AutoCloseable {
    static final int STEP_THREADS = 16;
    static final int ENGINE_THREADS = 8;

    private static BlueGreenRuntime current;

    private final ClusterClients clients;
    private final ExecutorService stepExecutor;
    private final ExecutorService engineExecutor;
    private final CredentialsLookup credentials;
    private final ClusterConfigResolver resolver;
    private final ScaleDownTasks scaleDowns = new ScaleDownTasks();
    private final BlueGreenSettings settings;
    private final LockKeepers lockKeepers;

    BlueGreenRuntime(ClusterClients clients, CredentialsLookup credentials, ClusterConfigResolver resolver) {
        this(clients, credentials, resolver, BlueGreenSettings.defaults());
    }

    BlueGreenRuntime(ClusterClients clients, CredentialsLookup credentials, ClusterConfigResolver resolver,
                     BlueGreenSettings settings) {
        this.clients = Objects.requireNonNull(clients);
        this.credentials = Objects.requireNonNull(credentials);
        this.resolver = Objects.requireNonNull(resolver);
        this.settings = Objects.requireNonNull(settings);
        this.stepExecutor = pool("blue-green-step", STEP_THREADS);
        this.engineExecutor = pool("blue-green-engine", ENGINE_THREADS);
        this.lockKeepers = new LockKeepers(engineExecutor);
    }

    /** The runtime of this controller, created with Jenkins' credentials store on first use. */
    static synchronized BlueGreenRuntime get() {
        if (current == null) {
            current = new BlueGreenRuntime(new ClusterClients(), new JenkinsCredentialsLookup(),
                    new ClusterConfigResolver(c -> AuthenticationTokens.convert(KubernetesAuth.class, c),
                            BlueGreenGlobalConfiguration::controllerIdentityAllowed));
        }
        return current;
    }

    /** Replaces the runtime (tests); returns the previous one, which the caller closes. */
    static synchronized BlueGreenRuntime install(BlueGreenRuntime runtime) {
        BlueGreenRuntime previous = current;
        current = runtime;
        return previous;
    }

    ClusterClients clients() {
        return clients;
    }

    ExecutorService stepExecutor() {
        return stepExecutor;
    }

    ExecutorService engineExecutor() {
        return engineExecutor;
    }

    CredentialsLookup credentials() {
        return credentials;
    }

    ClusterConfigResolver resolver() {
        return resolver;
    }

    /** Old colours waiting for their scale-down after builds that did not wait for it. */
    ScaleDownTasks scaleDowns() {
        return scaleDowns;
    }

    /** Core's settings for every engine the steps build (names, lease duration, ...). */
    BlueGreenSettings settings() {
        return settings;
    }

    /** The deploy locks renewed while the builds holding them run. */
    LockKeepers lockKeepers() {
        return lockKeepers;
    }

    @Override
    public void close() {
        lockKeepers.close();
        scaleDowns.close();
        stepExecutor.shutdownNow();
        engineExecutor.shutdownNow();
        clients.close();
    }

    private static ExecutorService pool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), factory);
        pool.allowCoreThreadTimeOut(true); // no threads while nobody deploys
        return pool;
    }
}
