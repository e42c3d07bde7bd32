package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.RequestConfig;
import io.fabric8.kubernetes.client.RequestConfigBuilder;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;
import java.util.function.Supplier;

/**
 * The one place that retries the engine's API requests (429, 5xx, no answer; never sooner than Retry-After, never
 * stacked on fabric8's own retries, which are off for these requests), and the one place that bounds lost races
 * ({@link Races}). Why fabric8's retries are switched off: docs/architecture.md, "API retries and lost races".
 */
final class ApiRetry {
    /** fabric8's cap on the backoff exponent (ExponentialBackoffIntervalCalculator): at most 32 × the interval. */
    private static final int MAX_EXPONENT = 5;
    /**
     * A blocking operation does not sleep longer than this for one Retry-After; a server asking for more gets the
     * failure reported (with its Retry-After) instead of a pipeline that seems to hang.
     */
    static final Duration LONGEST_WAIT = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final int retries;
    private final long intervalMillis;

    ApiRetry(KubernetesClient callersClient) {
        Config config = callersClient.getConfiguration();
        int configured = valueOr(config.getRequestRetryBackoffLimit(), Config.DEFAULT_REQUEST_RETRY_BACKOFFLIMIT);
        this.intervalMillis = Math.max(
                0, valueOr(config.getRequestRetryBackoffInterval(), Config.DEFAULT_REQUEST_RETRY_BACKOFFINTERVAL));
        KubernetesClient withoutRetries = configured > 0 ? withoutClientRetries(callersClient) : callersClient;
        // a client that cannot make such a view (none known) keeps fabric8's retries, and the engine adds none
        this.client = withoutRetries != null ? withoutRetries : callersClient;
        this.retries = withoutRetries != null ? Math.max(0, configured) : 0;
    }

    private static KubernetesClient withoutClientRetries(KubernetesClient client) {
        try {
            RequestConfig requestConfig = new RequestConfigBuilder(
                            client.getConfiguration().getRequestConfig())
                    .withRequestRetryBackoffLimit(0)
                    .build();
            // shares the caller's HTTP client (connection pool, dispatcher); never closed, the caller owns those
            return client.newClient(requestConfig).adapt(KubernetesClient.class);
        } catch (RuntimeException unsupported) {
            return null;
        }
    }

    /** The client every engine request goes through; fabric8 does not retry its requests. */
    KubernetesClient client() {
        return client;
    }

    int retries() {
        return retries;
    }

    /** Runs a read, retrying as described above; the last failure is rethrown untranslated. */
    <T> T read(Supplier<T> read) {
        Attempts attempts = new Attempts();
        while (true) {
            try {
                return read.get();
            } catch (RuntimeException failure) {
                if (!attempts.retry(failure)) {
                    throw failure;
                }
            }
        }
    }

    Attempts attempts() {
        return new Attempts();
    }

    /** The attempts of one request, and what their failures say about whether a write may have been applied. */
    final class Attempts {
        private int retried;
        private boolean mayHaveApplied;
        private boolean mayStillApply;

        /**
         * After a failed attempt: waits and returns true when another attempt is worth making; false when the failure
         * is final (not retryable, retries used up, or the server asks for a pause longer than {@link #LONGEST_WAIT}).
         */
        boolean retry(RuntimeException failure) {
            int code = code(failure);
            boolean noAnswer = code <= 0 && ApiFailures.isUnreachable(failure);
            if (code >= 500 || noAnswer) {
                mayHaveApplied = true; // a 429 is refused before processing; these may have been processed
            }
            if ((noAnswer && timedOut(failure)) || code == 504) {
                mayStillApply = true; // we stopped waiting, the server did not necessarily stop working
            }
            if (code != 429 && code < 500 && !noAnswer) {
                return false;
            }
            return spend(wait(failure));
        }

        private boolean spend(Duration wait) {
            if (retried >= retries || wait.compareTo(LONGEST_WAIT) > 0) {
                return false;
            }
            retried++;
            sleep(wait);
            return true;
        }

        private Duration wait(RuntimeException failure) {
            Duration backoff = Duration.ofMillis(intervalMillis * (1L << Math.min(retried, MAX_EXPONENT)));
            Duration retryAfter = retryAfter(failure);
            return retryAfter != null && retryAfter.compareTo(backoff) > 0 ? retryAfter : backoff;
        }

        /** Some attempt got a 5xx or no answer: the write may have been applied although no success came back. */
        boolean mayHaveApplied() {
            return mayHaveApplied;
        }

        /**
         * Some attempt timed out: the API server may still be working on it, so a read-back that shows nothing yet
         * does not mean nothing will happen.
         */
        boolean mayStillApply() {
            return mayStillApply;
        }
    }

    static int code(Throwable failure) {
        return failure instanceof KubernetesClientException kce ? kce.getCode() : 0;
    }

    /** The server's Retry-After, from the Status it sent with a 429 (or 503), or null. */
    static Duration retryAfter(Throwable failure) {
        if (failure instanceof KubernetesClientException kce
                && kce.getStatus() != null
                && kce.getStatus().getDetails() != null
                && kce.getStatus().getDetails().getRetryAfterSeconds() != null) {
            return Duration.ofSeconds(Math.max(0, kce.getStatus().getDetails().getRetryAfterSeconds()));
        }
        return null;
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof InterruptedIOException
                    || t instanceof TimeoutException
                    || "canceled".equalsIgnoreCase(t.getMessage())) { // OkHttp's word for a call cut off by a timeout
                return true;
            }
        }
        return false;
    }

    private static void sleep(Duration wait) {
        if (wait.isZero()) {
            return;
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlueGreenException("interrupted while waiting to retry a Kubernetes API request", e);
        }
    }

    /**
     * How many times a guarded write may lose its race (409) before the operation gives up. Each lost race means
     * another writer changed the object in between, so the caller reads again and decides again; an object that
     * changes on every attempt (or a server that answers 409 to every write) must end the operation, not spin it.
     */
    enum Races {
        /** Controllers' status updates also move a Deployment's resourceVersion: a few lost races are normal. */
        DEPLOYMENT_EDIT(10),
        /** The deploy lock's Lease: every acquirer and renewer writes it. */
        LEASE(10),
        /** The live Service's selector, history or announcement, and a preview Service. */
        SERVICE_WRITE(5),
        /** A rollback without the lock writes twice at most: a second change means someone else acts on traffic. */
        LOCKLESS_ROLLBACK(2);

        final int attempts;

        Races(int attempts) {
            this.attempts = attempts;
        }

        /** A fresh count of lost races for one write. */
        LostRaces count() {
            return new LostRaces(this);
        }

        /**
         * Runs {@code attempt} (numbered from 1) until it returns; a lost race runs it again, which re-reads, until
         * {@link #attempts} are used up — then {@code givingUp} (given the attempts made) is thrown.
         */
        <T> T untilWon(IntFunction<T> attempt, IntFunction<? extends RuntimeException> givingUp) {
            LostRaces lost = count();
            while (true) {
                try {
                    return attempt.apply(lost.attempt());
                } catch (StaleObjectException lostRace) {
                    lost.lost(givingUp);
                }
            }
        }
    }

    /** The lost races of one guarded write, for a loop that re-reads in its own way between attempts. */
    static final class LostRaces {
        private final Races limit;
        private int lost;

        private LostRaces(Races limit) {
            this.limit = limit;
        }

        /** The number of the attempt about to be made. */
        int attempt() {
            return lost + 1;
        }

        /** After a lost race: throws {@code givingUp} (given the attempts made) when no attempt is left. */
        void lost(IntFunction<? extends RuntimeException> givingUp) {
            if (++lost >= limit.attempts) {
                throw givingUp.apply(lost);
            }
        }
    }

    private static int valueOr(Integer value, Integer fallback) {
        return value != null ? value : fallback;
    }
}
