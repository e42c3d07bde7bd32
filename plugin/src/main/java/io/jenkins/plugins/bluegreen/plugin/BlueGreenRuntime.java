package io.jenkins.plugins.bluegreen.plugin;

import hudson.Extension;
import hudson.ExtensionList;
import hudson.init.Terminator;
import hudson.util.ClassLoaderSanityThreadFactory;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.jenkins.plugins.bluegreen.core.BlueGreenSettings;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;

/**
 * Everything the steps share for the life of the controller: one {@link ClusterClients} (clients and watches reused
 * across builds), the bounded thread pools the executions' blocking glue and core's reads run on, and how
 * credentials are found and turned into cluster configurations, and the old colours' scale-downs that outlive the
 * builds that switched ({@link ScaleDownTasks}), and the deploy locks kept alive while their builds wait
 * ({@link LockKeepers}). One per controller: Jenkins creates it as an extension and closes it at shutdown
 * ({@link #shutDown()}); executions reach it through Jenkins' extension list, tests hand their own to each execution
 * (with core settings of their choosing, e.g. a short lease).
 *
 * <p>Two bounded pools: step glue (requests, and the rare waits that still block: a rollback scaling the previous
 * colour up, an adoption) and core's own short reads, which must still find a thread while glue blocks. Neither can
 * starve itself waiting for a deploy lock: a held lock is waited for with a watch, not a thread, so the holder's own
 * switch always finds one. Their threads are daemons, named, and made with this plugin's class loader as context —
 * a thread created lazily from a build would otherwise keep that build's script class loader alive.
 */
@Extension
public final class BlueGreenRuntime implements AutoCloseable {
    static final int STEP_THREADS = 16;
    static final int ENGINE_THREADS = 8;

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
        this.lockKeepers = new LockKeepers(engineExecutor, threads(LockKeepers.THREAD_NAME));
    }

    /** The controller's runtime, made by Jenkins (an extension) with its credentials store. */
    public BlueGreenRuntime() {
        this(new ClusterClients(), new JenkinsCredentialsLookup(),
                new ClusterConfigResolver(c -> AuthenticationTokens.convert(KubernetesAuth.class, c),
                        BlueGreenGlobalConfiguration::controllerIdentityAllowed));
    }

    /** The controller's runtime. */
    static BlueGreenRuntime get() {
        return ExtensionList.lookupSingleton(BlueGreenRuntime.class);
    }

    /** At shutdown: stop renewing locks and scale-down timers, end the pools, close every client. */
    @Terminator
    public static void shutDown() {
        ExtensionList.lookup(BlueGreenRuntime.class).forEach(BlueGreenRuntime::close);
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

    /** Daemon threads named {@code name [#n]}, whose context class loader is the plugin's, not their creator's. */
    static ThreadFactory threads(String name) {
        return new ClassLoaderSanityThreadFactory(new NamingThreadFactory(new DaemonThreadFactory(), name));
    }

    private static ExecutorService pool(String name, int threads) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), threads(name));
        pool.allowCoreThreadTimeOut(true); // no threads while nobody deploys
        return pool;
    }
}
