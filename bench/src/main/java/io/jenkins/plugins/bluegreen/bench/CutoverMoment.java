package io.jenkins.plugins.bluegreen.bench;

import io.jenkins.plugins.bluegreen.core.ReleaseListener;
import io.jenkins.plugins.bluegreen.kubesim.RequestCounters;

/**
 * Notes when traffic moved during a switch: the engine reports "Service … now selects …" right after the selector
 * write was stored and verified, before its follow-ups (scale-down schedule, lock release). Taking the time and the
 * request count there splits a switch into its cutover and its bookkeeping. Relies on the wording of that message.
 */
final class CutoverMoment implements ReleaseListener {
    private final RequestCounters requests;
    private volatile long nanoTime;
    private volatile long requestCount = -1;

    CutoverMoment(RequestCounters requests) {
        this.requests = requests;
    }

    @Override
    public void info(String message) {
        if (requestCount < 0 && message.startsWith("Service ") && message.contains(" now selects ")) {
            nanoTime = System.nanoTime();
            requestCount = requests.total();
        }
    }

    void reset() {
        requestCount = -1;
    }

    boolean seen() {
        return requestCount >= 0;
    }

    long nanoTime() {
        return nanoTime;
    }

    long requestCount() {
        return requestCount;
    }
}
