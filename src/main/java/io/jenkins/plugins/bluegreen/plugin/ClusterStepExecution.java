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
import io.jenkins.plugins.bluegreen.core.LockHeldException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * The asynchronous execution every blue-green step uses: {@link #start()} validates on the CPS thread (pure checks,
 * so bad input fails before any request) and hands the rest to the runtime's bounded step pool, where no wait holds a
 * thread; the outcome reaches Jenkins exactly once. Why it is shaped so (threads, stop, restart, what is serialized):
 * docs/architecture.md, "plugin: the Jenkins layer", executions.
 */
abstract class ClusterStepExecution<S extends ClusterStep> extends StepExecution {
    private static final long serialVersionUID = 1L;

    protected final S step;
    private BuildIdentity identity;
    private boolean done;
    /** The outcome reached Jenkins; a resumed execution then has nothing left to do. */
    private boolean delivered;

    private transient volatile Session session;
    /** The outcome is being or has been delivered: from then on no work of this step reaches the cluster. */
    private transient volatile boolean outcomeSent;

    private transient volatile CredentialMask secrets;
    private transient volatile ConsoleListener console;
    private transient volatile BlueGreenRuntime runtime;

    /** What the execution is doing now, for {@link #getStatus()} and for what {@link #stop} reports. */
    enum Activity {
        IDLE,
        RUNNING,
        WAITING_FOR_LOCK,
        WAITING
    }

    private transient volatile Activity activity;
    private transient volatile String doing;
    /** The pool task running the step's work now; {@link #stop} interrupts it. */
    private transient Future<?> task;
    /** Completes when the pool task that runs now has ended (stop waits for it before cleaning up). */
    private transient CompletableFuture<Void> taskEnded;
    /** The pool thread running the step's work now, or null. */
    private transient volatile String threadName;
    /** The core wait in progress (health, lock, scale-down timer); {@link #stop} cancels it. */
    private transient CompletableFuture<?> waiting;

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

    /** Work on the step pool. */
    @FunctionalInterface
    interface PoolWork {
        void run() throws Exception;
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
            identity =
                    BuildIdentity.of(RunningBuild.of(getContext()), getContext().get(EnvVars.class));
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

    /**
     * Runs {@code work} on the step pool, unless the step has finished; a failure ends the step through
     * {@link #failed}. The task's Future is kept so that {@link #stop} can interrupt it.
     */
    final void onPool(String what, PoolWork work) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        synchronized (this) {
            if (done) {
                return;
            }
            doing = what;
            activity = Activity.RUNNING;
            taskEnded = ended;
            try {
                task = executor().submit(() -> {
                    threadName = Thread.currentThread().getName();
                    try {
                        if (!isDone()) {
                            work.run();
                        }
                    } catch (Throwable t) {
                        if (!isDone()) {
                            failed(t);
                        }
                    } finally {
                        ended.complete(null);
                        synchronized (ClusterStepExecution.this) {
                            if (taskEnded == ended) { // a task it handed over to may be running already
                                threadName = null;
                                if (activity == Activity.RUNNING) {
                                    activity = Activity.IDLE;
                                }
                            }
                        }
                    }
                });
            } catch (RejectedExecutionException shutDown) {
                ended.complete(null);
                activity = Activity.IDLE;
                throw new IllegalStateException(
                        "Jenkins is shutting down: the blue-green step pool is closed", shutDown);
            }
        }
    }

    /**
     * Waits for {@code future} without a thread, then runs {@code next} with its value on the step pool — never on
     * the thread that completed it (a fabric8 event thread delivering to every wait of the namespace, or a timer).
     */
    final <T> void waitFor(String what, Activity kind, CompletableFuture<T> future, Next<T> next) {
        boolean stopped;
        synchronized (this) {
            stopped = done;
            if (!stopped) {
                doing = what;
                activity = kind;
                waiting = future;
            }
        }
        if (stopped) {
            future.cancel(true);
            return;
        }
        future.whenComplete((value, error) -> {
            synchronized (this) {
                if (waiting == future) {
                    waiting = null;
                }
            }
            if (isDone()) {
                return;
            }
            try {
                onPool(what, () -> {
                    if (error != null) {
                        failed(error);
                    } else {
                        next.accept(value);
                    }
                });
            } catch (RuntimeException shutDown) {
                failed(shutDown);
            }
        });
    }

    /** Starts a core wait on the step pool (starting it may connect) and continues with {@code next}. */
    <T> void later(String what, AsyncWork<T> work, Next<T> next) {
        onPool(what, () -> waitFor(what, Activity.WAITING, work.start(engine()), next));
    }

    /** Runs blocking core work (requests, no lock wait) on the step pool; {@code next} gets its result there. */
    <T> void blocking(String what, BlockingWork<T> work, Next<T> next) {
        onPool(what, () -> {
            T value = work.run(engine());
            if (!isDone()) {
                next.accept(value);
            }
        });
    }

    /**
     * Runs an operation that takes the app's deploy lock. {@code attempt} must not wait for the lock itself (lock wait
     * zero); while another holder keeps it, and {@code lockWait} has not run out, the step waits for the Lease to
     * change with core's {@code awaitLockChangeAsync} — holding no thread — and tries again. A stopped step's wait is
     * cancelled, so it never takes the lock later.
     */
    <T> void lockedWork(String what, Duration lockWait, BlockingWork<T> attempt, Next<T> next) {
        Instant deadline = Instant.now().plus(lockWait);
        onPool(what, () -> tryLocked(what, deadline, attempt, next, false));
    }

    private <T> void tryLocked(String what, Instant deadline, BlockingWork<T> attempt, Next<T> next, boolean waited)
            throws Exception {
        T value;
        try {
            value = attempt.run(engine());
        } catch (LockHeldException held) {
            if (isDone() || !Instant.now().isBefore(deadline)) {
                throw held;
            }
            waitFor(
                    "waiting for the deploy lock of " + step.getApp() + ", held by " + held.holder(),
                    Activity.WAITING_FOR_LOCK,
                    engine().awaitLockChangeAsync(step.getApp(), held.lock(), deadline),
                    changed -> tryLocked(what, deadline, attempt, next, true));
            if (!waited) {
                console()
                        .line("waiting for the deploy lock of " + step.getApp() + ", held by " + held.holder()
                                + " (until " + deadline + "); this build holds no thread meanwhile");
            }
            return;
        }
        if (!isDone()) {
            next.accept(value);
        }
    }

    /**
     * {@code dryRun: true}: runs {@code work} once on the dry-run engine (no lock wait: a held lock is refused as at
     * once), prints the plan and ends the step with what the real step would return. Nothing that follows a real write
     * is started (lock renewal, background scale-down), so a dry run leaves the build and the cluster as they were.
     */
    <T> void planOnly(String what, BlockingWork<T> work, java.util.function.Function<T, Object> result) {
        blocking("planning (dry run): " + what, work, value -> {
            console()
                    .line("dry run of " + step.functionName() + " app: '" + step.getApp() + "': nothing was written; "
                            + "the API server accepted each write below (dryRun=All)");
            for (String line : engine().plan().render().split("\n")) {
                console().line(line);
            }
            succeed(result.apply(value));
        });
    }

    /** A failure of the work; by default the step fails with it. Subclasses clean up first where they must. */
    void failed(Throwable t) {
        fail(t);
    }

    /** Ends the step with a result (plain, serializable values only). */
    final void succeed(Object result) {
        if (claim()) {
            deliverSuccess(result);
        }
    }

    /** Delivers a result without claiming: for a resumed execution whose saved state says it already finished. */
    final void deliverSuccess(Object result) {
        end();
        getContext().onSuccess(result);
        delivered = true; // after: a state saved while the outcome was on its way resumes to deliver it again
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
        end();
        getContext().onFailure(t);
        delivered = true;
    }

    /**
     * Cancels what runs now: a core wait is cancelled (its watches close), a pool task is interrupted (core's waits
     * and requests end on interruption; a request already sent may still be applied). Returns what was running, and a
     * future completing when the interrupted task has ended.
     */
    final Stopped cancelWork() {
        Activity was;
        String what;
        CompletableFuture<?> w;
        Future<?> t;
        CompletableFuture<Void> ended;
        synchronized (this) {
            was = activity == null ? Activity.IDLE : activity;
            what = doing;
            w = waiting;
            t = task;
            ended = taskEnded;
            activity = Activity.IDLE;
        }
        // outside the monitor: cancelling runs core's callbacks, which take locks of their own
        if (w != null) {
            w.cancel(true);
        }
        if (t != null) {
            t.cancel(true);
        }
        return new Stopped(was, what, ended == null ? CompletableFuture.completedFuture(null) : ended);
    }

    /** The core wait in progress, or null (tests check that a stop cancelled it). */
    final synchronized CompletableFuture<?> currentFuture() {
        return waiting;
    }

    /** Cancels the running work as a stop does, without ending the step (tests: "the old JVM is gone"). */
    final void cancelCurrent() {
        cancelWork();
    }

    /** What a stop interrupted; {@code ended} completes when its pool task, if any, has unwound. */
    record Stopped(Activity activity, String doing, CompletableFuture<Void> ended) {
        /** Whether requests may have been under way (a pool task ran), so a write may have been sent. */
        boolean inFlight() {
            return activity == Activity.RUNNING;
        }
    }

    /**
     * Default stop: cancel or interrupt the running work, say what it left, fail with the cause. Subclasses say what
     * their phase left ({@link #stopReport}); the block form also cancels its body and abandons the new colour.
     */
    @Override
    public void stop(Throwable cause) throws Exception {
        if (!claim()) {
            return;
        }
        Stopped stopped = cancelWork();
        console()
                .line(step.functionName() + " for " + step.getApp() + " was stopped"
                        + (stopped.doing() == null ? "" : " while " + stopped.doing()) + "; " + stopReport(stopped));
        deliverFailure(cause);
    }

    /** What the interrupted work left, for the console; says live traffic was not touched only where that is true. */
    abstract String stopReport(Stopped stopped);

    @Override
    public String getStatus() {
        String thread = threadName;
        String what = doing;
        Activity now = activity;
        if (isDone()) {
            return "finished";
        }
        if (now == Activity.WAITING || now == Activity.WAITING_FOR_LOCK) {
            return what + " (no thread held)";
        }
        if (thread != null) {
            return (what == null ? "working" : what) + ", in thread " + thread;
        }
        return what == null ? "not started" : "between steps of " + what;
    }

    /** A restart would cut off a pool task that may be writing; waits (no thread) resume from the saved phase. */
    @Override
    public boolean blocksRestart() {
        return threadName != null && activity == Activity.RUNNING;
    }

    /** Saves the execution (phase change) so a restart resumes from the right place; best effort. */
    final void save() {
        try {
            getContext().saveState();
        } catch (RuntimeException e) {
            console()
                    .line("warning: could not save the step's state ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    /** The controller's runtime: Jenkins' singleton, or the one a test gave this execution. */
    final BlueGreenRuntime runtime() {
        BlueGreenRuntime r = runtime;
        if (r == null) {
            r = BlueGreenRuntime.get();
            runtime = r;
        }
        return r;
    }

    /** Runs this execution on {@code r} rather than the controller's (offline tests, which have no controller). */
    final void useRuntime(BlueGreenRuntime r) {
        runtime = r;
    }

    ExecutorService executor() {
        return runtime().stepExecutor();
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

    /**
     * The engine for the step's cluster and namespace; connects on first use (on the step pool, never on CPS). The
     * connection is opened outside the monitor, so a slow credential lookup never holds up {@code stop()}, and once the
     * step's outcome is delivered no work gets an engine: it ends here instead of taking the lock or writing later
     * (a claimed step still cleans up, e.g. the block form abandons its new colour, before it delivers).
     */
    final BlueGreen engine() throws IOException, InterruptedException {
        Session s = session;
        if (s != null && !outcomeSent) {
            return s.engine;
        }
        refuseIfEnded();
        Session opened = open();
        synchronized (this) {
            if (!outcomeSent) {
                if (session == null) {
                    session = opened;
                    return opened.engine;
                }
                s = session; // another task of this step connected first
            }
        }
        opened.connection.close();
        refuseIfEnded();
        return s.engine;
    }

    private void end() {
        synchronized (this) {
            outcomeSent = true;
        }
        closeSession();
    }

    private void refuseIfEnded() {
        if (outcomeSent) {
            throw new CancellationException(
                    step.functionName() + " has ended (stopped or finished); nothing more is " + "sent to the cluster");
        }
    }

    private Session open() throws IOException, InterruptedException {
        BlueGreenRuntime runtime = runtime();
        StandardCredentials credential = null;
        if (step.getCredentialsId() != null) {
            credential = runtime.credentials()
                    .find(
                            step.getCredentialsId(),
                            step.getServerUrl(),
                            getContext().get(Run.class));
            if (credential == null) {
                throw new InvalidInputException(
                        "credentialsId",
                        "no credentials with ID '" + step.getCredentialsId() + "' are visible to this build",
                        "add a kubeconfig file, secret text or Kubernetes "
                                + "credential with that ID to the job's folder or to Jenkins, or fix the ID");
            }
        }
        ClusterConfigResolver.ResolvedCluster cluster = runtime.resolver().resolve(step, credential);
        secrets().addAll(cluster.secrets());
        cluster.warnings().forEach(w -> console().warn(w));
        ClusterClients.Connection connection = runtime.clients().connect(cluster.config());
        BlueGreen engine = connection
                .engine(cluster.namespace())
                .listener(step.isDryRun() ? console().forDryRun() : console())
                .settings(runtime.settings())
                .executor(runtime.engineExecutor())
                .build();
        return new Session(connection, step.isDryRun() ? engine.dryRun() : engine, cluster);
    }

    /** The app among the runtime's background scale-downs; needs the session, so call it on the step pool. */
    final ScaleDownTasks.AppKey appKey() throws IOException, InterruptedException {
        engine();
        Session s = session;
        return new ScaleDownTasks.AppKey(
                String.valueOf(s.cluster.config().getMasterUrl()), s.engine.namespace(), step.getApp());
    }

    /** A connection and an engine on it for work that outlives this step; the work closes the connection. */
    private record Background(ClusterClients.Connection connection, BlueGreen engine) {}

    /** Its own connection (this step's closes when the step ends), progress to the controller's log. */
    private Background background(BlueGreenRuntime runtime, String namespace) {
        ClusterClients.Connection connection = runtime.clients().connect(session.cluster.config());
        try {
            return new Background(
                    connection,
                    connection
                            .engine(namespace)
                            .listener(new ScaleDownTasks.LogListener(secrets()))
                            .settings(runtime.settings())
                            .executor(runtime.engineExecutor())
                            .build());
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
            BlueGreenRuntime runtime = runtime();
            Background background = background(runtime, key.namespace());
            runtime.scaleDowns().start(key, background.connection(), background.engine(), secrets());
        } catch (Exception e) {
            console()
                    .warn("the old colour of " + step.getApp() + " was not handed over for its scale-down ("
                            + StepFailures.toStepFailure(step.functionName(), e, secrets())
                                    .getMessage() + "); it keeps "
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
        BlueGreenRuntime runtime = runtime();
        String lease = runtime.settings().leaseName(step.getApp());
        try {
            ScaleDownTasks.AppKey key = appKey();
            Background background = background(runtime, key.namespace());
            RunningBuild build = RunningBuild.of(getContext());
            String buildId = build != null && build.externalizableId() != null
                    ? build.externalizableId()
                    : identity().holder();
            KeptLocks.Kept kept = new KeptLocks.Kept(key, identity().holder(), buildId, step.clusterOnly());
            runtime.lockKeepers()
                    .start(kept, background.connection(), background.engine(), buildRunning(), secrets(), renewNow);
            console()
                    .line("deploy lock " + lease + " held by " + identity().holder()
                            + ", renewed while this build runs");
        } catch (Exception e) {
            console()
                    .warn("the deploy lock " + lease + " will not be renewed ("
                            + StepFailures.toStepFailure(step.functionName(), e, secrets())
                                    .getMessage() + "); it expires "
                            + runtime.settings().leaseDuration().toMinutes()
                            + " min after it was taken unless released");
        }
    }

    /** The build's own switch, rollback or abandon is done with the lock: its keeper, if any, ends. Best effort. */
    final void stopKeepingLock() {
        try {
            runtime().lockKeepers().stop(appKey(), identity().holder());
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
        runtime().scaleDowns().cancel(appKey());
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

    private record Session(
            ClusterClients.Connection connection, BlueGreen engine, ClusterConfigResolver.ResolvedCluster cluster) {}
}
