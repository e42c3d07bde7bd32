package io.jenkins.plugins.bluegreen.kubesim;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A point where a test interleaves two clients deterministically: a rule built with
 * {@link FaultRule.Matcher#holdUntil(RequestGate)} holds each matching request before it is applied
 * until the gate opens, then serves it normally. The test waits for {@link #awaitArrival}, does
 * whatever must happen in between, then {@link #open}s. Thread-safe. A held request waits at most
 * {@link #MAX_HOLD} (then it is served anyway), so a test that forgets to open cannot hang the sim.
 */
public final class RequestGate {
    public static final Duration MAX_HOLD = Duration.ofSeconds(60);

    private final CountDownLatch arrived = new CountDownLatch(1);
    private final CountDownLatch opened = new CountDownLatch(1);

    /** Blocks until a request is held here; false if none came within {@code max}. */
    public boolean awaitArrival(Duration max) throws InterruptedException {
        return arrived.await(max.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean hasArrived() {
        return arrived.getCount() == 0;
    }

    /** Lets every held (and later) request through. */
    public void open() {
        opened.countDown();
    }

    /** Called by the sim on the request's worker thread. */
    void hold() {
        arrived.countDown();
        try {
            opened.await(MAX_HOLD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
