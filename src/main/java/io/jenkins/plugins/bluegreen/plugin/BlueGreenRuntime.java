package io.jenkins.plugins.bluegreen.plugin;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.init.InitMilestone;
import hudson.init.Initializer;
import hudson.init.Terminator;
import hudson.util.ClassLoaderSanityThreadFactory;
import hudson.util.DaemonThreadFactory;
import hudson.util.NamingThreadFactory;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.BlueGreenSettings;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import java.io.File;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import jenkins.authentication.tokens.api.AuthenticationTokens;
import jenkins.model.Jenkins;
import org.jenkinsci.plugins.kubernetes.auth.KubernetesAuth;

/**
 * Everything the steps share for the life of the controller: clients and watches ({@link ClusterClients}), the two
 * bounded thread pools, the credentials seam, background scale-downs ({@link ScaleDownTasks}) and kept locks
 * ({@link LockKeepers}). One per controller, an extension closed at shutdown ({@link #shutDown()}); tests hand their
 * own to each execution. Why two pools and such threads: docs/architecture.md, "plugin: the Jenkins layer".
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
    private final KeptLocks keptLocks;
    private final BuildLookup builds;
    private static final Logger LOGGER = Logger.getLogger(BlueGreenRuntime.class.getName());

    BlueGreenRuntime(ClusterClients clients, CredentialsLookup credentials, ClusterConfigResolver resolver) {
        this(clients, credentials, resolver, BlueGreenSettings.defaults());
    }

    BlueGreenRuntime(
            ClusterClients clients,
            CredentialsLookup credentials,
            ClusterConfigResolver resolver,
            BlueGreenSettings settings) {
        this(clients, credentials, resolver, settings, new KeptLocks(), id -> Optional.empty());
    }

    BlueGreenRuntime(
            ClusterClients clients,
            CredentialsLookup credentials,
            ClusterConfigResolver resolver,
            BlueGreenSettings settings,
            KeptLocks keptLocks,
            BuildLookup builds) {
        this.keptLocks = Objects.requireNonNull(keptLocks);
        this.builds = Objects.requireNonNull(builds);
        this.clients = Objects.requireNonNull(clients);
        this.credentials = Objects.requireNonNull(credentials);
        this.resolver = Objects.requireNonNull(resolver);
        this.settings = Objects.requireNonNull(settings);
        this.stepExecutor = pool("blue-green-step", STEP_THREADS);
        this.engineExecutor = pool("blue-green-engine", ENGINE_THREADS);
        this.lockKeepers = new LockKeepers(engineExecutor, threads(LockKeepers.THREAD_NAME), keptLocks);
    }

    /** The controller's runtime, made by Jenkins (an extension) with its credentials store. */
    public BlueGreenRuntime() {
        this(
                new ClusterClients(),
                new JenkinsCredentialsLookup(),
                new ClusterConfigResolver(
                        c -> AuthenticationTokens.convert(KubernetesAuth.class, c),
                        BlueGreenGlobalConfiguration::controllerIdentityAllowed),
                BlueGreenSettings.defaults(),
                KeptLocks.inFile(new File(Jenkins.get().getRootDir(), BlueGreenRuntime.class.getName() + ".locks")),
                BuildLookup.jenkins());
    }

    /** Once the jobs are loaded: renew again the deploy locks kept before the restart, for builds that still run. */
    @Initializer(after = InitMilestone.JOB_LOADED)
    public static void resumeKeptLocks() {
        get().resumeLockKeepers();
    }

    /** Starts a keeper (renewing at once) for each kept lock whose build still runs; forgets the others. */
    void resumeLockKeepers() {
        for (KeptLocks.Kept k : keptLocks.all()) {
            Optional<BuildLookup.Build> build;
            try {
                build = builds.find(k.build());
            } catch (RuntimeException e) {
                build = Optional.empty();
            }
            if (build.isEmpty() || !build.get().isBuilding()) {
                keptLocks.ended(k.key(), k.holder()); // its lock expires by itself unless released
                continue;
            }
            CredentialMask secrets = new CredentialMask();
            try {
                ClusterStep cluster = k.cluster();
                StandardCredentials credential = cluster.getCredentialsId() == null
                        ? null
                        : credentials.find(
                                cluster.getCredentialsId(),
                                cluster.getServerUrl(),
                                build.get().run());
                ClusterConfigResolver.ResolvedCluster resolved = resolver.resolve(cluster, credential);
                secrets.addAll(resolved.secrets());
                ClusterClients.Connection connection = clients.connect(resolved.config());
                try {
                    BlueGreen engine = connection
                            .engine(resolved.namespace())
                            .listener(new ScaleDownTasks.LogListener(secrets))
                            .settings(settings)
                            .executor(engineExecutor)
                            .build();
                    lockKeepers.start(k, connection, engine, build.get()::isBuilding, secrets, true);
                } catch (RuntimeException e) {
                    connection.close();
                    throw e;
                }
            } catch (Exception e) {
                LOGGER.warning(() -> secrets.redact(
                        "could not renew again the deploy lock of " + k.key().app()
                                + " held by " + k.holder() + " after the restart: "
                                + e.getClass().getSimpleName() + ": "
                                + e.getMessage() + "; it expires one lease after its last renewal unless released"));
            }
        }
    }

    /** The locks kept alive, remembered across a restart. */
    KeptLocks keptLocks() {
        return keptLocks;
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
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads(name));
        pool.allowCoreThreadTimeOut(true); // no threads while nobody deploys
        return pool;
    }
}
