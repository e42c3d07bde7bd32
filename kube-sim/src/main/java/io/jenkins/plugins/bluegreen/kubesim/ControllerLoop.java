package io.jenkins.plugins.bluegreen.kubesim;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The single thread all simulated controllers run on. One thread keeps reconciles simple (no
 * locking between controllers) and ordered; keyed tasks coalesce, so a burst of pod changes costs
 * one reconcile of their Deployment, not one each.
 */
final class ControllerLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ControllerLoop.class.getName());

    private final ScheduledExecutorService executor;
    private final Set<String> pending = ConcurrentHashMap.newKeySet();

    ControllerLoop(String name) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the task soon unless a task with the same key is already waiting to run. */
    void enqueue(String key, Runnable task) {
        enqueueAfter(key, Duration.ZERO, task);
    }

    /** Like {@link #enqueue} but after a delay, which lets more changes coalesce into one run. */
    void enqueueAfter(String key, Duration delay, Runnable task) {
        if (pending.add(key)) {
            submit(delay, () -> {
                pending.remove(key);
                task.run();
            });
        }
    }

    /** Runs the task after the delay; no coalescing (pod lifecycle steps). */
    void schedule(Duration delay, Runnable task) {
        submit(delay, task);
    }

    private void submit(Duration delay, Runnable task) {
        if (executor.isShutdown()) {
            return;
        }
        Runnable guarded = () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "kube-sim controller task failed", e);
            }
        };
        try {
            if (delay.isZero() || delay.isNegative()) {
                executor.execute(guarded);
            } else {
                executor.schedule(guarded, delay.toNanos(), TimeUnit.NANOSECONDS);
            }
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: nothing left to reconcile
        }
    }

    /** Runs the task on the loop thread and waits for it (reset uses this to stop the world). */
    <T> T call(Callable<T> task) {
        try {
            return executor.submit(task).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
