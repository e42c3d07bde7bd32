package io.jenkins.plugins.bluegreen.plugin;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import hudson.EnvVars;
import hudson.FilePath;
import hudson.model.Result;
import hudson.model.TaskListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jenkinsci.plugins.workflow.steps.BodyExecution;
import org.jenkinsci.plugins.workflow.steps.BodyExecutionCallback;
import org.jenkinsci.plugins.workflow.steps.BodyInvoker;
import org.jenkinsci.plugins.workflow.steps.StepContext;
import org.jenkinsci.plugins.workflow.steps.StepExecution;

/**
 * A StepContext as the CPS engine would give a step, minus Jenkins: it records the outcome (and counts how often
 * one was delivered), writes the console to a buffer, supplies EnvVars and an optional workspace, and runs an
 * optional body on a thread of its own, calling the step's callback like Jenkins does.
 */
final class TestStepContext extends StepContext {
    private static final long serialVersionUID = 1L;

    /** A block body; runs once the step starts it. */
    @FunctionalInterface
    interface Body extends java.io.Serializable {
        Object run() throws Throwable;
    }

    private final EnvVars env;
    private final FilePath workspace;
    private final Body body;
    private transient volatile CompletableFuture<Object> outcome;
    private transient volatile ByteArrayOutputStream console;
    private transient volatile TaskListener listener;
    private transient AtomicInteger deliveries;
    private transient volatile FakeBodyExecution bodyExecution;
    /** Not serializable in Jenkins either: the real context finds the Run again after a restart. */
    private transient volatile RunningBuild run;

    TestStepContext(EnvVars env, FilePath workspace, Body body) {
        this.env = env;
        this.workspace = workspace;
        this.body = body;
    }

    /** A build of its own: its BUILD_TAG makes the lock holder {@code jenkins:<tag>}. */
    static TestStepContext build(String tag) {
        return new TestStepContext(
                new EnvVars("BUILD_TAG", tag, "BUILD_URL", "https://ci.example/job/" + tag + "/"), null, null);
    }

    /** The execution restored from a saved state, as a restarted controller finds it. */
    static ClusterStepExecution<?> restore(byte[] saved) throws Exception {
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(saved))) {
            return (ClusterStepExecution<?>) in.readObject();
        }
    }

    static EnvVars buildEnv() {
        return new EnvVars(
                "BUILD_TAG", "jenkins-shop-deploy-42", "BUILD_URL", "https://ci.example/job/shop/job/deploy/42/");
    }

    private synchronized void init() {
        if (outcome == null) {
            outcome = new CompletableFuture<>();
            console = new ByteArrayOutputStream();
            PrintStream out = new PrintStream(console, true, StandardCharsets.UTF_8);
            listener = () -> out;
            deliveries = new AtomicInteger();
        }
    }

    @Override
    public <T> T get(Class<T> key) {
        init();
        if (key == TaskListener.class) {
            return key.cast(listener);
        }
        if (key == EnvVars.class) {
            return key.cast(env);
        }
        if (key == FilePath.class) {
            return key.cast(workspace);
        }
        if (key == RunningBuild.class) {
            return key.cast(run); // null unless a test gives one: the identity then comes from BUILD_TAG
        }
        return null;
    }

    /** Runs as an outcome arrives, before it is recorded: a test takes the snapshot a save at that moment would. */
    transient volatile Runnable beforeOutcome;
    /** The execution whose state each saveState() records (as Jenkins saves the program), or null. */
    transient volatile StepExecution saving;
    /** The execution as serialized by the latest saveState(). */
    transient volatile byte[] lastSaved;
    /** The last saved state when the body was started. */
    transient volatile byte[] savedAtBodyStart;
    /** The thread that started the body. */
    transient volatile String bodyStartedOn;
    /** When set, the body invoker's start() waits for it: a slow start of the block. */
    transient volatile java.util.concurrent.CountDownLatch bodyStartGate;

    @Override
    public void onSuccess(Object result) {
        Runnable hook = beforeOutcome;
        if (hook != null) {
            hook.run();
        }
        init();
        deliveries.incrementAndGet();
        outcome.complete(result);
    }

    @Override
    public void onFailure(Throwable t) {
        Runnable hook = beforeOutcome;
        if (hook != null) {
            hook.run();
        }
        init();
        deliveries.incrementAndGet();
        outcome.completeExceptionally(t);
    }

    @Override
    public boolean isReady() {
        return true;
    }

    @Override
    public ListenableFuture<Void> saveState() {
        StepExecution execution = saving;
        if (execution != null) {
            try {
                java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
                try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                    out.writeObject(execution);
                }
                lastSaved = bytes.toByteArray();
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return Futures.immediateFuture(null);
    }

    @Override
    public void setResult(Result r) {}

    @Override
    public boolean hasBody() {
        return body != null;
    }

    @Override
    public BodyInvoker newBodyInvoker() {
        if (body == null) {
            throw new IllegalStateException("no body");
        }
        return new FakeBodyInvoker();
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /** The build, as the plugin's seam: tests never subclass Jenkins' Run (its real constructor needs a job). */
    TestStepContext withRun(RunningBuild run) {
        this.run = run;
        return this;
    }

    String console() {
        init();
        return console.toString(StandardCharsets.UTF_8);
    }

    int deliveries() {
        init();
        return deliveries.get();
    }

    boolean finished() {
        init();
        return outcome.isDone();
    }

    /** The step's result; fails the test if the step failed. Waits (generously) for a slow machine. */
    Object awaitSuccess() throws Exception {
        init();
        try {
            return outcome.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("step failed: " + e.getCause() + "\nconsole:\n" + console(), e.getCause());
        }
    }

    /** The step's failure; fails the test if it succeeded. */
    Throwable awaitFailure() throws Exception {
        init();
        try {
            Object r = outcome.get(60, TimeUnit.SECONDS);
            throw new AssertionError("step succeeded with " + r + "\nconsole:\n" + console());
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** Waits until the console shows {@code text} (the step reached a point), without asserting on time. */
    void awaitConsole(String text) throws InterruptedException {
        init();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!console().contains(text)) {
            if (System.nanoTime() > deadline || outcome.isDone()) {
                throw new AssertionError("console never showed '" + text + "':\n" + console());
            }
            Thread.sleep(20);
        }
    }

    /** How long the body invoker's start() takes to return after the body began (0 = at once). */
    volatile long bodyStartDelayMillis;

    FakeBodyExecution bodyExecution() {
        return bodyExecution;
    }

    private final class FakeBodyInvoker extends BodyInvoker {
        private BodyExecutionCallback callback;

        @Override
        public BodyInvoker withContext(Object override) {
            return this;
        }

        @Override
        public BodyInvoker withDisplayName(String name) {
            return this;
        }

        @Override
        public BodyInvoker withCallback(BodyExecutionCallback callback) {
            this.callback = callback;
            return this;
        }

        @Override
        public BodyExecution start() {
            bodyStartedOn = Thread.currentThread().getName();
            savedAtBodyStart = lastSaved;
            java.util.concurrent.CountDownLatch gate = bodyStartGate;
            if (gate != null) {
                try {
                    gate.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            FakeBodyExecution execution = new FakeBodyExecution(callback);
            bodyExecution = execution;
            Thread t = new Thread(
                    () -> {
                        try {
                            execution.succeed(body.run());
                        } catch (Throwable e) {
                            execution.fail(e);
                        }
                    },
                    "test-body");
            t.setDaemon(true);
            execution.thread = t;
            t.start();
            if (bodyStartDelayMillis > 0) {
                // widens the moment in which the body runs but its invoker has not returned, as on a busy CPS VM
                try {
                    Thread.sleep(bodyStartDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return execution;
        }
    }

    /** The running body; cancelling it fails the callback with the cause, as Jenkins does. */
    final class FakeBodyExecution extends BodyExecution {
        private static final long serialVersionUID = 1L;
        private final transient BodyExecutionCallback callback;
        private final transient AtomicBoolean finished = new AtomicBoolean();
        transient Thread thread;
        volatile Throwable cancelledWith;

        FakeBodyExecution(BodyExecutionCallback callback) {
            this.callback = callback;
        }

        void succeed(Object result) {
            if (finished.compareAndSet(false, true)) {
                callback.onSuccess(TestStepContext.this, result);
            }
        }

        void fail(Throwable t) {
            if (finished.compareAndSet(false, true)) {
                callback.onFailure(TestStepContext.this, t);
            }
        }

        @Override
        public Collection<StepExecution> getCurrentExecutions() {
            return List.of();
        }

        @Override
        public boolean cancel(Throwable t) {
            cancelledWith = t;
            fail(t);
            if (thread != null) {
                thread.interrupt();
            }
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelledWith != null;
        }

        @Override
        public boolean isDone() {
            return finished.get();
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) throws TimeoutException {
            throw new UnsupportedOperationException();
        }
    }
}
