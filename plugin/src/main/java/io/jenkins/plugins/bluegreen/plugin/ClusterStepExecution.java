package io.jenkins.plugins.bluegreen.plugin;

import com.cloudbees.plugins.credentials.common.StandardCredentials;
import hudson.AbortException;
import hudson.EnvVars;
import hudson.model.Run;
import hudson.model.TaskListener;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * The asynchronous execution every blue-green step uses. {@link #start()} validates the parameters on the calling
 * (CPS) thread — pure checks only, so bad input fails before any request — and hands everything else to the
 * plugin's step pool: credentials lookup, connecting, and core's {@code *Async} operations, whose waits hold no
 * thread. The outcome reaches Jenkins through {@code getContext().onSuccess/onFailure}, exactly once.
 *
 * <p>Serialized with the build: the step, the build's identity, whether it has finished, and each subclass's
 * phase. Connections, futures and the console are transient and re-created after a restart, when
 * {@link #onResume()} continues from the phase.
 */
abstract class ClusterStepExecution<S extends ClusterStep> extends StepExecution {
    private static final long serialVersionUID = 1L;

    protected final S step;
    private BuildIdentity identity;
    private boolean done;
    /** The outcome reached Jenkins; a resumed execution then has nothing left to do. */
    private boolean delivered;

    private transient volatile Session session;
    private transient volatile CompletableFuture<?> current;
    private transient volatile CredentialMask secrets;
    private transient volatile ConsoleListener console;

    /** Work that starts a core operation on the engine. */
    @FunctionalInterface
    interface AsyncWork<T> {
        CompletableFuture<T> start(BlueGreen engine) throws Exception;
    }

    /** Work that blocks (it already runs on the step pool). */
    @FunctionalInterface
    interface BlockingWork<T> {
        T run(BlueGreen engine) throws Exception;
    }

    /** What to do with a result; may start more work. */
    @FunctionalInterface
    interface Next<T> {
        void accept(T value) throws Exception;
    }

    ClusterStepExecution(S step, StepContext context) {
        super(context);
        this.step = step;
    }

    @Override
    public final boolean start() throws Exception {
        try {
            StepInput.cluster(step);
            validate();
            identity = BuildIdentity.of(RunningBuild.of(getContext()), getContext().get(EnvVars.class));
        } catch (InvalidInputException | AbortException e) {
            fail(e);
            return false;
        }
        begin();
        return false;
    }

    @Override
    public final void onResume() {
        if (!delivered) {
            console().line("Jenkins restarted; " + step.functionName() + " for " + step.getApp() + " continues");
            resume();
        }
    }

    /** Pure checks of the step's own parameters; throws {@link InvalidInputException} naming the parameter. */
    abstract void validate() throws Exception;

    /** Starts the work, normally with {@link #later} or {@link #blocking}. */
    abstract void begin() throws Exception;

    /** Continues after a controller restart, from the phase saved with the execution. */
    abstract void resume();

    BuildIdentity identity() {
        return identity;
    }

    /** Runs {@code work} on the step pool; {@code next} gets its result, failures end the step. */
    <T> void later(AsyncWork<T> work, Next<T> next) {
        executor().execute(() -> {
            if (isDone()) {
                return;
            }
            CompletableFuture<T> future;
            try {
                future = work.start(engine());
            } catch (Throwable t) {
                failed(t);
                return;
            }
            current = future;
            if (isDone()) {
                future.cancel(true); // stopped while the work was being started
                return;
            }
            future.whenComplete((value, error) -> {
                if (isDone()) {
                    return;
                }
                if (error != null) {
                    failed(error);
                    return;
                }
                try {
                    next.accept(value);
                } catch (Throwable t) {
                    failed(t);
                }
            });
        });
    }

    <T> void blocking(BlockingWork<T> work, Next<T> next) {
        later(engine -> CompletableFuture.completedFuture(work.run(engine)), next);
    }

    /** A failure of the work; by default the step fails with it. Subclasses clean up first where they must. */
    void failed(Throwable t) {
        fail(t);
    }

    /** Ends the step with a result (plain, serializable values only). */
    final void succeed(Object result) {
        if (claim()) {
            closeSession();
            delivered = true;
            getContext().onSuccess(result);
        }
    }

    /** Ends the step with {@code t} turned into a clear failure (see {@link StepFailures}). */
    final void fail(Throwable t) {
        if (claim()) {
            deliverFailure(StepFailures.toStepFailure(step.functionName(), t, secrets()));
        }
    }

    /** Marks the step finished; only the caller that gets true may deliver the outcome. */
    final synchronized boolean claim() {
        if (done) {
            return false;
        }
        done = true;
        return true;
    }

    final synchronized boolean isDone() {
        return done;
    }

    /** Delivers a failure unchanged, for a claimed step (e.g. the body's own throwable). */
    final void deliverFailure(Throwable t) {
        closeSession();
        delivered = true;
        getContext().onFailure(t);
    }

    /** The core future running now (tests check that a stop cancelled it). */
    CompletableFuture<?> currentFuture() {
        return current;
    }

    /** Cancels the running core future: a wait unsubscribes its watches; a write already sent is not undone. */
    final void cancelCurrent() {
        CompletableFuture<?> f = current;
        if (f != null) {
            f.cancel(true);
        }
    }

    /**
     * Default stop: cancel the running work, leave live traffic as it is, fail with the cause. Subclasses add what
     * their phase needs (the block form cancels its body and abandons the new colour).
     */
    @Override
    public void stop(Throwable cause) throws Exception {
        if (!claim()) {
            return;
        }
        cancelCurrent();
        console().line(step.functionName() + " for " + step.getApp() + " was stopped; live traffic was not touched");
        afterStop();
        deliverFailure(cause);
    }

    /** Console advice after a stop, before the failure is delivered. */
    void afterStop() {
    }

    /** Saves the execution (phase change) so a restart resumes from the right place; best effort. */
    final void save() {
        try {
            getContext().saveState();
        } catch (RuntimeException e) {
            console().line("warning: could not save the step's state (" + e.getClass().getSimpleName() + ")");
        }
    }

    Executor executor() {
        return BlueGreenRuntime.get().stepExecutor();
    }

    ConsoleListener console() {
        ConsoleListener c = console;
        if (c == null) {
            synchronized (this) {
                if (console == null) {
                    console = new ConsoleListener(contextObject(TaskListener.class), secrets());
                }
                c = console;
            }
        }
        return c;
    }

    CredentialMask secrets() {
        CredentialMask s = secrets;
        if (s == null) {
            synchronized (this) {
                if (secrets == null) {
                    secrets = new CredentialMask();
                }
                s = secrets;
            }
        }
        return s;
    }

    /** The engine for the step's cluster and namespace; connects on first use (on the step pool, never on CPS). */
    final BlueGreen engine() throws IOException, InterruptedException {
        Session s = session;
        if (s == null) {
            synchronized (this) {
                if (session == null) {
                    session = open();
                }
                s = session;
            }
        }
        return s.engine;
    }

    private Session open() throws IOException, InterruptedException {
        BlueGreenRuntime runtime = BlueGreenRuntime.get();
        StandardCredentials credential = null;
        if (step.getCredentialsId() != null) {
            credential = runtime.credentials().find(step.getCredentialsId(), step.getServerUrl(),
                    getContext().get(Run.class));
            if (credential == null) {
                throw new InvalidInputException("credentialsId", "no credentials with ID '" + step.getCredentialsId()
                        + "' are visible to this build", "add a kubeconfig file, secret text or Kubernetes "
                        + "credential with that ID to the job's folder or to Jenkins, or fix the ID");
            }
        }
        ClusterConfigResolver.ResolvedCluster cluster = runtime.resolver().resolve(step, credential);
        secrets().addAll(cluster.secrets());
        cluster.warnings().forEach(w -> console().warn(w));
        ClusterClients.Connection connection = runtime.clients().connect(cluster.config());
        BlueGreen engine = connection.engine(cluster.namespace()).listener(console()).settings(runtime.settings())
                .executor(runtime.engineExecutor()).build();
        return new Session(connection, engine, cluster);
    }

    /** The app among the runtime's background scale-downs; needs the session, so call it on the step pool. */
    final ScaleDownTasks.AppKey appKey() throws IOException, InterruptedException {
        engine();
        Session s = session;
        return new ScaleDownTasks.AppKey(String.valueOf(s.cluster.config().getMasterUrl()), s.engine.namespace(),
                step.getApp());
    }

    /** A connection and an engine on it for work that outlives this step; the work closes the connection. */
    private record Background(ClusterClients.Connection connection, BlueGreen engine) { }

    /** Its own connection (this step's closes when the step ends), progress to the controller's log. */
    private Background background(BlueGreenRuntime runtime, String namespace) {
        ClusterClients.Connection connection = runtime.clients().connect(session.cluster.config());
        try {
            return new Background(connection, connection.engine(namespace)
                    .listener(new ScaleDownTasks.LogListener(secrets()))
                    .settings(runtime.settings()).executor(runtime.engineExecutor()).build());
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * After a switch that does not wait for the old colour: hands its scheduled scale-down to the runtime, which
     * carries it out when due, whether or not this build still runs. It gets a connection of its own (this step's
     * closes when the step ends) and logs to the controller's log, not to a console that may be closed by then.
     * Best effort: the switch is done whatever happens here, so a problem is a warning, not the step's failure.
     */
    final void handOverScaleDown() {
        try {
            ScaleDownTasks.AppKey key = appKey();
            BlueGreenRuntime runtime = BlueGreenRuntime.get();
            Background background = background(runtime, key.namespace());
            runtime.scaleDowns().start(key, background.connection(), background.engine(), secrets());
        } catch (Exception e) {
            console().warn("the old colour of " + step.getApp() + " was not handed over for its scale-down ("
                    + StepFailures.toStepFailure(step.functionName(), e, secrets()).getMessage() + "); it keeps "
                    + "running until the app's next release scales it down");
        }
    }

    /**
     * Keeps the deploy lock this build took alive for as long as the build runs (it may wait at an approval for longer
     * than the lease lasts): hands it to the runtime's {@link LockKeepers}, with a connection of its own and the
     * controller's log for its messages. Best effort: the lock is held now whatever happens here, so a problem is a
     * warning saying when the lock expires, not the step's failure. Call on the step pool.
     *
     * @param renewNow after a restart: renew at once rather than one interval from now
     */
    final void keepLockAlive(boolean renewNow) {
        BlueGreenRuntime runtime = BlueGreenRuntime.get();
        String lease = runtime.settings().leaseName(step.getApp());
        try {
            ScaleDownTasks.AppKey key = appKey();
            Background background = background(runtime, key.namespace());
            runtime.lockKeepers().start(key, identity().holder(), background.connection(), background.engine(),
                    buildRunning(), secrets(), renewNow);
            console().line("deploy lock " + lease + " held by " + identity().holder()
                    + ", renewed while this build runs");
        } catch (Exception e) {
            console().warn("the deploy lock " + lease + " will not be renewed ("
                    + StepFailures.toStepFailure(step.functionName(), e, secrets()).getMessage() + "); it expires "
                    + runtime.settings().leaseDuration().toMinutes() + " min after it was taken unless released");
        }
    }

    /** The build's own switch, rollback or abandon is done with the lock: its keeper, if any, ends. Best effort. */
    final void stopKeepingLock() {
        try {
            BlueGreenRuntime.get().lockKeepers().stop(appKey(), identity().holder());
        } catch (Exception e) {
            // the keeper ends by itself at its next renewal, which the released lock refuses
        }
    }

    /**
     * Whether the build still runs, asked by the lock keeper at every renewal. Jenkins always gives a step its Run
     * (required context); only offline test contexts may have none, and then the keeper ends at the lock's release,
     * a take-over, the maximum, or the runtime's shutdown.
     */
    BooleanSupplier buildRunning() throws IOException, InterruptedException {
        RunningBuild run = RunningBuild.of(getContext());
        return run == null ? () -> true : run::isBuilding;
    }

    /** A newer release of the app owns its colours: a pending background scale-down of an older one goes. */
    final void cancelPendingScaleDown() throws IOException, InterruptedException {
        BlueGreenRuntime.get().scaleDowns().cancel(appKey());
    }

    private void closeSession() {
        Session s;
        synchronized (this) {
            s = session;
            session = null;
        }
        if (s != null) {
            s.connection.close();
        }
    }

    private <T> T contextObject(Class<T> type) {
        try {
            T value = getContext().get(type);
            if (value == null) {
                throw new IllegalStateException(step.functionName() + " needs a " + type.getSimpleName());
            }
            return value;
        } catch (IOException e) {
            throw new IllegalStateException(step.functionName() + " cannot get its " + type.getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(step.functionName() + " was interrupted", e);
        }
    }

    private record Session(ClusterClients.Connection connection, BlueGreen engine,
                           ClusterConfigResolver.ResolvedCluster cluster) { }
}
