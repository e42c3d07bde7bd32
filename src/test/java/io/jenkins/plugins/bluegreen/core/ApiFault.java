package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.okhttp.OkHttpClientFactory;
import io.jenkins.plugins.bluegreen.kubesim.FaultRequest;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.FaultRules;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * The API faults of docs/reliability.md as kube-sim rules, plus what tests need around them: a client configured so
 * that the faults are reachable quickly (short request timeout, few fabric8 retries), the arrival times of targeted
 * requests (to prove Retry-After was honoured), and the moment a held request will have landed (to judge an outcome
 * only once a request the client gave up on can no longer change the cluster).
 */
enum ApiFault {
    HTTP_500("HTTP 500"),
    CONFLICT_409("409 conflict"),
    TOO_MANY_429("429 + Retry-After"),
    DROP_BEFORE_APPLY("dropped, not applied"),
    DROP_AFTER_APPLY("dropped after apply"),
    SLOW_PAST_TIMEOUT("slow past timeout"),
    WATCH_DROPPED("watch dropped");

    /**
     * fabric8 retries 429, 5xx and I/O failures by itself (StandardHttpClient#shouldRetry in 7.3.1, honouring
     * Retry-After, at most {@code requestRetryBackoffLimit} times); the tests keep that small so persistent faults end
     * quickly, and check the engine never multiplies it.
     */
    static final int CLIENT_RETRIES = 2;

    static final Duration REQUEST_TIMEOUT = Duration.ofMillis(750);
    /**
     * fabric8's default: for tests whose faults are not timeouts, so that a machine under load cannot turn a slow
     * answer into a timeout (an uncertain outcome) that the fault itself would not have caused.
     */
    static final Duration PATIENT_TIMEOUT = Duration.ofSeconds(10);
    /** Longer than every attempt fabric8 makes together, so a held write can land after the engine looked. */
    static final Duration SLOW = Duration.ofMillis(3000);

    static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    final String title;

    ApiFault(String title) {
        this.title = title;
    }

    /** A client like a user's, except that it gives up sooner: timeout and retries as above. */
    static KubernetesClient client(KubeSim sim) {
        return client(sim, REQUEST_TIMEOUT);
    }

    static KubernetesClient client(KubeSim sim, Duration requestTimeout) {
        return client(sim, requestTimeout, new SentRequests());
    }

    /** As {@link #client(KubeSim, Duration)}, noting each request it sends in {@code sent}. */
    static KubernetesClient client(KubeSim sim, Duration requestTimeout, SentRequests sent) {
        try (KubernetesClient template = sim.newClient()) {
            return new KubernetesClientBuilder()
                    .withHttpClientFactory(sent.factory())
                    .withConfig(new ConfigBuilder(template.getConfiguration())
                            .withRequestTimeout((int) requestTimeout.toMillis())
                            .withRequestRetryBackoffLimit(CLIENT_RETRIES)
                            .withRequestRetryBackoffInterval(20)
                            .withWatchReconnectInterval(100)
                            .build())
                    .build();
        }
    }

    /** A client for observers (recorders, checks): default patience, quick watch reconnects. */
    static KubernetesClient observerClient(KubeSim sim) {
        try (KubernetesClient template = sim.newClient()) {
            return new KubernetesClientBuilder()
                    .withConfig(new ConfigBuilder(template.getConfiguration())
                            .withWatchReconnectInterval(100)
                            .build())
                    .build();
        }
    }

    /**
     * The requests a client sent, as its callers made them: each try of the engine and of fabric8, counted once. They
     * are counted before OkHttp's transport, which sends a request again by itself when the connection fails under it
     * (retryOnConnectionFailure) — for a dropped connection, once more on each idle pooled connection it picks up
     * and once on a new one — so how often a dropped request reaches the server depends on how many connections the
     * pool holds at that moment, not on the engine.
     */
    static final class SentRequests {
        private final ConcurrentLinkedQueue<String[]> sent = new ConcurrentLinkedQueue<>();

        /** An OkHttp client factory whose clients note here what they send. */
        OkHttpClientFactory factory() {
            return new OkHttpClientFactory() {
                @Override
                protected void additionalConfig(okhttp3.OkHttpClient.Builder builder) {
                    // an application interceptor: it sees each call once, whatever the transport repeats below it
                    builder.addInterceptor(chain -> {
                        okhttp3.Request request = chain.request();
                        String query = request.url().encodedQuery();
                        sent.add(new String[] {request.method(), request.url().encodedPath(), query == null ? "" : query
                        });
                        return chain.proceed(request);
                    });
                }
            };
        }

        /** How many requests with a Kubernetes {@code verb} went to exactly {@code path}. */
        int count(String verb, String path) {
            if (path.contains("*")) {
                throw new IllegalArgumentException("counts exact paths only: " + path);
            }
            return (int) sent.stream()
                    .filter(r -> r[1].equals(path) && isVerb(verb, r[0], r[2]))
                    .count();
        }

        private static boolean isVerb(String verb, String method, String query) {
            boolean watch = query.contains("watch=true");
            return switch (verb) {
                case "create" -> method.equals("POST");
                case "update" -> method.equals("PUT");
                case "patch" -> method.equals("PATCH");
                case "delete" -> method.equals("DELETE");
                case "get", "list" -> method.equals("GET") && !watch;
                case "watch" -> method.equals("GET") && watch;
                default -> throw new IllegalArgumentException("unknown verb " + verb.toLowerCase(Locale.ROOT));
            };
        }
    }

    /** The faults installed for one operation; {@link #close()} removes them. */
    static final class Installed implements AutoCloseable {
        private final KubeSim sim;
        private final List<FaultRules.Handle> handles = new ArrayList<>();
        private final List<Target> targets = new ArrayList<>();
        private final AtomicLong heldUntil = new AtomicLong(System.nanoTime());
        private final Duration slow;

        /** When each request to one target arrived, and when the fault hit one (kube-sim's clock, nanoTime). */
        record Target(String verb, String pathGlob, List<Long> arrivals, List<Long> fired) {}

        Installed(KubeSim sim) {
            this(sim, SLOW);
        }

        /** @param slow how long a SLOW_PAST_TIMEOUT fault holds a request */
        Installed(KubeSim sim, Duration slow) {
            this.sim = sim;
            this.slow = slow;
        }

        /**
         * Adds {@code fault} for requests with {@code verb} under {@code pathGlob} (never the recorder's):
         * {@code times} firings, or every matching request when {@code times <= 0}.
         */
        Installed add(ApiFault fault, String verb, String pathGlob, int times) {
            Target target = new Target(verb, pathGlob, new CopyOnWriteArrayList<>(), new CopyOnWriteArrayList<>());
            targets.add(target);
            Predicate<FaultRequest> engine = r -> !ClusterTrace.isRecorder(r);
            // an observer first: it never fires, it only notes when each targeted request arrived
            handles.add(sim.faults()
                    .add(FaultRule.on(verb, pathGlob)
                            .where(engine)
                            .where(r -> {
                                target.arrivals().add(System.nanoTime());
                                return false;
                            })
                            .respond(500)));
            FaultRule.Matcher matcher = FaultRule.on(verb, pathGlob)
                    .where(engine)
                    .where(r -> {
                        target.fired().add(System.nanoTime());
                        if (fault == SLOW_PAST_TIMEOUT) {
                            heldUntil.accumulateAndGet(System.nanoTime() + slow.toNanos(), Math::max);
                        }
                        return true;
                    });
            FaultRule rule =
                    switch (fault) {
                        case HTTP_500 -> matcher.respond(500);
                        case CONFLICT_409 -> matcher.respond(409);
                        case TOO_MANY_429 -> matcher.respond(429, RETRY_AFTER);
                        case DROP_BEFORE_APPLY -> matcher.dropBeforeApply();
                        case DROP_AFTER_APPLY -> matcher.dropAfterApply();
                        case SLOW_PAST_TIMEOUT -> matcher.delay(slow);
                        case WATCH_DROPPED -> throw new IllegalArgumentException("watch faults are not request rules");
                    };
            handles.add(sim.faults().add(times > 0 ? rule.times(times) : rule));
            return this;
        }

        /** Refuses the next {@code n} watch requests of the namespace (not the recorder's) with 500. */
        Installed refuseWatches(String namespace, int n) {
            handles.add(sim.faults()
                    .add(FaultRule.on("watch", "/**/namespaces/" + namespace + "/**")
                            .where(r -> !ClusterTrace.isRecorder(r))
                            .respond(500)
                            .times(n)));
            return this;
        }

        /** How many requests the faults hit, over all targets. */
        int fired() {
            return targets.stream().mapToInt(t -> t.fired().size()).sum();
        }

        List<Target> targets() {
            return List.copyOf(targets);
        }

        /** Blocks until every request held by a SLOW fault has been served (it may change the cluster late). */
        void awaitHeldRequestsLanded() {
            long wait = heldUntil.get() - System.nanoTime();
            if (wait > 0) {
                sleep(Duration.ofNanos(wait).plusMillis(300));
            }
        }

        @Override
        public void close() {
            handles.forEach(FaultRules.Handle::remove);
        }
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
