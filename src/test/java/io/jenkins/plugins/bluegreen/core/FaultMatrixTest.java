package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fault matrix (docs/reliability.md): every phase of a release under every API fault. Each cell prepares an app up
 * to the phase with a well-behaved client, installs the fault for the requests that phase makes, runs the phase with a
 * client that gives up quickly, and asserts that
 * <ol>
 *   <li>the outcome is one of: <b>completed</b> (and visible in the cluster), <b>not done</b> (and the app exactly
 *       as before, checked after any held request has landed — a late write would make "not done" a lie), or
 *       <b>uncertain</b> ({@link UncertainOutcomeException} naming the kubectl command to check, and the cluster
 *       in one of the two other states);</li>
 *   <li>the outcome is the expected one: a fault that happens once is recovered from; one that persists ends the
 *       operation without retrying on top of fabric8's own bounded retries, after honouring Retry-After;</li>
 *   <li>the serving invariants ({@link ServingInvariants}) held at every moment ({@link ClusterTrace}) and hold at
 *       the end.</li>
 * </ol>
 * HTTP cells run concurrently (each in its own namespace; rules are scoped to it); watch cells drop every watch of
 * the sim, so they run alone. The table of outcomes is printed at the end; docs/reliability.md explains it.
 */
class FaultMatrixTest {
    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(40)));

    private static final String APP = "myapp";
    private static final String PREVIEW = "myapp-preview";
    private static final String HOLDER = SimApps.HOLDER;
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Long enough that a health wait is still waiting when its watches are dropped. */
    private static final Duration SLOW_PODS = Duration.ofSeconds(2);

    private static final Map<String, String> TABLE = new ConcurrentHashMap<>();

    private static KubernetesClient observer;

    /** FAST_ROLLBACK: the previous colour still runs (no lock, FastRollback); ROLLBACK: it was scaled down. */
    enum Phase {
        LOCK,
        DEPLOY,
        AWAIT,
        PREVIEW,
        SWITCH,
        SCALE_DOWN,
        FAST_ROLLBACK,
        ROLLBACK
    }

    enum Outcome {
        COMPLETED,
        NOT_DONE,
        UNCERTAIN
    }

    @BeforeAll
    static void clients() {
        observer = ApiFault.observerClient(SIM.sim());
    }

    @AfterAll
    static void printTable() {
        if (observer != null) {
            observer.close();
        }
        StringBuilder out =
                new StringBuilder("\nFault matrix (outcome for a fault once per request / on every request):\n");
        out.append(String.format("%-12s", "phase"));
        for (ApiFault fault : ApiFault.values()) {
            out.append(String.format(" | %-25s", fault.title));
        }
        out.append('\n');
        int cells = 0;
        for (Phase phase : Phase.values()) {
            out.append(String.format("%-12s", phase));
            for (ApiFault fault : ApiFault.values()) {
                String once = TABLE.getOrDefault(key(phase, fault, false), "-");
                String always =
                        fault == ApiFault.WATCH_DROPPED ? "" : " / " + TABLE.getOrDefault(key(phase, fault, true), "-");
                out.append(String.format(" | %-25s", once + always));
                cells += TABLE.containsKey(key(phase, fault, false)) ? 1 : 0;
            }
            out.append('\n');
        }
        out.append(cells)
                .append(" of ")
                .append(Phase.values().length * ApiFault.values().length)
                .append(" phase × fault cells ran (")
                .append(TABLE.size())
                .append(" runs)\n");
        System.out.println(out);
    }

    static Stream<Arguments> httpCells() {
        return Arrays.stream(Phase.values()).flatMap(phase -> Arrays.stream(ApiFault.values())
                .filter(f -> f != ApiFault.WATCH_DROPPED && selected(phase, f))
                .flatMap(fault -> Stream.of(Arguments.of(phase, fault, false), Arguments.of(phase, fault, true))));
    }

    /**
     * To replay some cells: {@code -Dbluegreen.phase=SWITCH,ROLLBACK -Dbluegreen.fault=SLOW_PAST_TIMEOUT} (names of
     * {@link Phase} and {@link ApiFault}; either may be left out).
     */
    private static boolean selected(Phase phase, ApiFault fault) {
        return chosen("bluegreen.phase", phase.name()) && chosen("bluegreen.fault", fault.name());
    }

    private static boolean chosen(String property, String name) {
        String wanted = System.getProperty(property);
        return wanted == null
                || wanted.isBlank()
                || Arrays.asList(wanted.split(",")).contains(name);
    }

    @ParameterizedTest(name = "{0} × {1}, on every request: {2}")
    @MethodSource("httpCells")
    @Execution(ExecutionMode.CONCURRENT)
    @ResourceLock(value = "kube-sim watches", mode = ResourceAccessMode.READ)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void requestFault(Phase phase, ApiFault fault, boolean persistent) {
        // a short request timeout only where the fault is a slow answer; elsewhere load must not fake one
        Duration timeout = fault == ApiFault.SLOW_PAST_TIMEOUT ? ApiFault.REQUEST_TIMEOUT : ApiFault.PATIENT_TIMEOUT;
        try (Cell cell = new Cell(phase, timeout)) {
            cell.prepare(false);
            AppSnapshot before = cell.snapshot();
            Result result;
            try (ApiFault.Installed faults = new ApiFault.Installed(SIM.sim())) {
                for (String[] target : cell.targets()) {
                    faults.add(fault, target[0], target[1], persistent ? 0 : 1);
                }
                result = cell.run();
                faults.close(); // no more faults; held requests may still land
                faults.awaitHeldRequestsLanded();
                cell.checkOutcome(result, before);
                assertThat(faults.fired())
                        .as("the fault must have hit the phase's requests")
                        .isPositive();
                if (persistent) {
                    assertBounded(cell, fault, faults);
                }
                if (fault == ApiFault.TOO_MANY_429 && phase != Phase.AWAIT) {
                    // AWAIT's requests are the shared informers' LIST and WATCH, retried by fabric8 itself, which in
                    // 7.3.1 ignores Retry-After (see ApiRetry); docs/reliability.md lists this as open
                    assertRetryAfterHonoured(faults);
                }
            }
            assertThat(result.outcome())
                    .as(
                            "outcome of %s under %s (%s); failure: %s",
                            phase, fault.title, persistent ? "every request" : "once", result.failure())
                    .isIn(expected(phase, fault, persistent));
            cell.checkInvariants();
            TABLE.put(key(phase, fault, persistent), result.outcome().toString());
        }
    }

    @ParameterizedTest(name = "{0} × watch dropped and resumed")
    @EnumSource(Phase.class)
    @Execution(ExecutionMode.SAME_THREAD)
    @ResourceLock(value = "kube-sim watches", mode = ResourceAccessMode.READ_WRITE)
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void watchDroppedAndResumed(Phase phase) {
        Assumptions.assumeTrue(selected(phase, ApiFault.WATCH_DROPPED), "not selected by -Dbluegreen.phase/fault");
        try (Cell cell = new Cell(phase, ApiFault.PATIENT_TIMEOUT)) {
            cell.prepare(true);
            AppSnapshot before = cell.snapshot();
            Result result;
            int dropped;
            try (ApiFault.Installed faults = new ApiFault.Installed(SIM.sim())) {
                CompletableFuture<Result> running = CompletableFuture.supplyAsync(cell::run);
                dropped = cell.dropWatchesWhileRunning(running);
                // and the first reconnects fail, so the engine must retry rather than give up
                faults.refuseWatches(cell.namespace, 2);
                cell.afterWatchesDropped();
                result = running.join();
            }
            cell.checkOutcome(result, before);
            assertThat(dropped).as("watches open when dropped").isPositive();
            assertThat(result.outcome())
                    .as("a dropped watch only delays %s; failure: %s", phase, result.failure())
                    .isEqualTo(Outcome.COMPLETED);
            cell.checkInvariants();
            TABLE.put(
                    key(phase, ApiFault.WATCH_DROPPED, false), result.outcome().toString());
        }
    }

    /**
     * What each cell must end in. Once: recovered. Every request: the operation ends without effect — unless the
     * fault itself lets the change through (dropped after apply; a held write that lands late), which the engine
     * must then either recognise as done or report as uncertain. A health wait (AWAIT, PREVIEW's wait) only reads,
     * so there "applied" means nothing and reads that never answer end it.
     */
    static Set<Outcome> expected(Phase phase, ApiFault fault, boolean persistent) {
        boolean readsOnly = phase == Phase.AWAIT;
        if (!persistent) {
            // a 409 is an answer about a write; on a read there is nothing to re-decide, so ending is as good
            return readsOnly && fault == ApiFault.CONFLICT_409
                    ? EnumSet.of(Outcome.COMPLETED, Outcome.NOT_DONE)
                    : EnumSet.of(Outcome.COMPLETED);
        }
        return switch (fault) {
            case DROP_AFTER_APPLY -> readsOnly ? EnumSet.of(Outcome.NOT_DONE) : EnumSet.of(Outcome.COMPLETED);
            case SLOW_PAST_TIMEOUT ->
                readsOnly ? EnumSet.of(Outcome.NOT_DONE) : EnumSet.of(Outcome.COMPLETED, Outcome.UNCERTAIN);
            default -> EnumSet.of(Outcome.NOT_DONE);
        };
    }

    /**
     * The engine makes at most 1 + {@link ApiFault#CLIENT_RETRIES} tries per request on 429, 5xx and I/O failures (its
     * own, with fabric8's switched off; informers: fabric8's); it must not wrap them in more retries (that multiplies
     * the wait on an overloaded API server). A 409 is different: nobody retries it, the engine re-reads and decides
     * again a bounded number of times. Counted where the cell's client sent them, not where kube-sim received them:
     * OkHttp re-sends a request whose connection was dropped under it as often as it finds idle pooled connections
     * ({@link ApiFault.SentRequests}), which is the transport's business and no bound of the engine's.
     */
    private static void assertBounded(Cell cell, ApiFault fault, ApiFault.Installed faults) {
        int perRequest = 1 + ApiFault.CLIENT_RETRIES;
        int bound =
                switch (fault) {
                    case CONFLICT_409 -> 10; // the engine's own re-decisions: Service 5, Deployment and Lease edits 10
                    default -> perRequest * cell.targets().size();
                };
        int sent = faults.targets().stream()
                .mapToInt(t -> cell.sent.count(t.verb(), t.pathGlob()))
                .sum();
        assertThat(sent)
                .as(
                        "requests the engine sent to the persistent fault's targets (bound %d; %d reached kube-sim)",
                        bound, faults.fired())
                .isLessThanOrEqualTo(bound);
    }

    /** The retry after a 429 came no sooner than its Retry-After said, measured where kube-sim received it. */
    private static void assertRetryAfterHonoured(ApiFault.Installed faults) {
        for (ApiFault.Installed.Target target : faults.targets()) {
            for (long firedAt : target.fired()) {
                target.arrivals().stream()
                        .filter(t -> t > firedAt)
                        .min(Long::compare)
                        .ifPresent(next -> assertThat(Duration.ofNanos(next - firedAt))
                                .as("gap between a 429 and the next %s %s", target.verb(), target.pathGlob())
                                .isGreaterThanOrEqualTo(ApiFault.RETRY_AFTER.minusMillis(5)));
            }
        }
    }

    private static String key(Phase phase, ApiFault fault, boolean persistent) {
        return phase + "/" + fault + "/" + persistent;
    }

    record Result(Outcome outcome, RuntimeException failure) {}

    /** One cell: a fresh namespace with {@code myapp} live on blue, 2 replicas. */
    private static final class Cell implements AutoCloseable {
        final Phase phase;
        final String namespace;
        final MutableClock clock = new MutableClock();
        final SimApps apps;
        final BlueGreen reliable;
        final ApiFault.SentRequests sent = new ApiFault.SentRequests();
        final KubernetesClient faultyClient;
        final BlueGreen faulty;
        final String approvedBy;
        ClusterTrace trace;
        /** The lock phase of a watch cell waits for another holder (watching the Lease); the others take a free one. */
        boolean waitForLock;

        /** @param requestTimeout the faulty client's; it gives up after few retries, see {@link ApiFault#client} */
        Cell(Phase phase, Duration requestTimeout) {
            this.phase = phase;
            this.namespace = SIM.newNamespace();
            this.apps = new SimApps(observer, namespace);
            this.approvedBy = "approver-" + namespace;
            this.reliable = BlueGreen.builder(observer)
                    .namespace(namespace)
                    .clock(clock)
                    .build();
            // a client per cell: its requests and its connection pool are this cell's alone
            this.faultyClient = ApiFault.client(SIM.sim(), requestTimeout, sent);
            this.faulty = BlueGreen.builder(faultyClient)
                    .namespace(namespace)
                    .clock(clock)
                    .build();
        }

        String image(String tag) {
            return "registry.example/" + namespace + "/myapp:" + tag; // per cell, so pod scripts stay in it
        }

        /** Brings the app to the start of the phase, with the well-behaved client; then starts recording. */
        void prepare(boolean watchCell) {
            apps.seedLive(APP, Color.BLUE, 2, image("1"));
            if (watchCell && (phase == Phase.AWAIT || phase == Phase.PREVIEW)) {
                SIM.sim().scripts().image(image("2"), PodScript.slow(SLOW_PODS));
            }
            switch (phase) {
                case LOCK -> {
                    reliable.acquireLock(APP, "https://ci.example/job/other/7/", Duration.ZERO);
                    waitForLock = watchCell;
                    if (!watchCell) {
                        reliable.releaseLock(APP, "https://ci.example/job/other/7/"); // a free Lease to take
                    }
                }
                case DEPLOY -> {}
                case AWAIT -> deploy(null);
                case PREVIEW -> deploy(PREVIEW);
                case SWITCH -> {
                    deploy(null);
                    reliable.awaitHealthy(APP, Color.GREEN, WAIT);
                }
                case SCALE_DOWN, FAST_ROLLBACK, ROLLBACK -> {
                    deploy(null);
                    reliable.awaitHealthy(APP, Color.GREEN, WAIT);
                    reliable.switchTraffic(SwitchRequest.builder(APP)
                            .to(Color.GREEN)
                            .holder(HOLDER)
                            .scaleDownDelay(Duration.ofSeconds(30))
                            .build());
                    clock.advance(Duration.ofSeconds(31));
                    if (phase == Phase.ROLLBACK) {
                        assertThat(reliable.scaleDownIfDue(APP).outcome())
                                .isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
                        if (watchCell) {
                            SIM.sim()
                                    .scripts()
                                    .image(image("1"), PodScript.slow(SLOW_PODS)); // the pods of the scale-up
                        }
                    }
                }
            }
            trace = new ClusterTrace(observer, namespace);
        }

        private void deploy(String preview) {
            reliable.deploy(DeployRequest.builder(APP)
                    .image(image("2"))
                    .previewService(preview)
                    .holder(HOLDER)
                    .build());
        }

        /** The requests the phase's fault is aimed at: {verb, path glob}. */
        List<String[]> targets() {
            String ns = "/namespaces/" + namespace;
            return switch (phase) {
                case LOCK ->
                    List.<String[]>of(new String[] {
                        "update", "/apis/coordination.k8s.io/v1" + ns + "/leases/" + APP + "-bluegreen"
                    });
                // the announcement on the live Service, then the idle colour
                case DEPLOY ->
                    List.of(
                            new String[] {"update", "/api/v1" + ns + "/services/" + APP},
                            new String[] {"create", "/apis/apps/v1" + ns + "/deployments"});
                case AWAIT ->
                    List.of(
                            new String[] {"list", "/apis/apps/v1" + ns + "/deployments"},
                            new String[] {"list", "/api/v1" + ns + "/pods"},
                            new String[] {"watch", "/apis/apps/v1" + ns + "/deployments"},
                            new String[] {"watch", "/api/v1" + ns + "/pods"});
                case PREVIEW -> List.<String[]>of(new String[] {"create", "/api/v1" + ns + "/services"});
                case SWITCH -> List.<String[]>of(new String[] {"update", "/api/v1" + ns + "/services/" + APP});
                case SCALE_DOWN ->
                    List.<String[]>of(new String[] {"update", "/apis/apps/v1" + ns + "/deployments/" + APP + "-blue"});
                // the claim of the previous colour, the Service write
                case FAST_ROLLBACK ->
                    List.of(
                            new String[] {"patch", "/apis/apps/v1" + ns + "/deployments/" + APP + "-blue"},
                            new String[] {"update", "/api/v1" + ns + "/services/" + APP});
                case ROLLBACK ->
                    List.of(
                            new String[] {"update", "/apis/apps/v1" + ns + "/deployments/" + APP + "-blue"},
                            new String[] {"update", "/api/v1" + ns + "/services/" + APP});
            };
        }

        /** The phase, with the quick-to-give-up client. */
        Result run() {
            try {
                switch (phase) {
                    case LOCK -> faulty.acquireLock(APP, HOLDER, waitForLock ? WAIT : Duration.ZERO);
                    case DEPLOY ->
                        faulty.deploy(DeployRequest.builder(APP)
                                .image(image("2"))
                                .holder(HOLDER)
                                .build());
                    case AWAIT -> faulty.awaitHealthy(APP, Color.GREEN, WAIT);
                    case PREVIEW -> faulty.awaitHealthy(APP, null, WAIT);
                    case SWITCH ->
                        faulty.switchTraffic(SwitchRequest.builder(APP)
                                .to(Color.GREEN)
                                .approvedBy(approvedBy)
                                .holder(HOLDER)
                                .scaleDownDelay(Duration.ofSeconds(30))
                                .build());
                    case SCALE_DOWN -> {
                        ScaleDownResult r = faulty.scaleDownIfDue(APP);
                        assertThat(r.outcome()).as("scale-down result").isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
                    }
                    case FAST_ROLLBACK, ROLLBACK ->
                        faulty.rollback(RollbackRequest.builder(APP)
                                .holder(HOLDER)
                                .approvedBy(approvedBy)
                                .timeout(WAIT)
                                .build());
                }
                return new Result(Outcome.COMPLETED, null);
            } catch (UncertainOutcomeException e) {
                return new Result(Outcome.UNCERTAIN, e);
            } catch (BlueGreenException e) {
                return new Result(Outcome.NOT_DONE, e);
            }
            // anything else (a raw fabric8 exception, an NPE) escapes and fails the cell: failures must be typed
        }

        /**
         * Drops every open watch of the sim while the phase runs. Phases that wait (lock wait, health waits) are
         * dropped once their watches are open and they are still waiting; the others open no watch of their own, so
         * only the recorder's are dropped, once their first request has arrived.
         */
        int dropWatchesWhileRunning(CompletableFuture<Result> running) {
            String ns = "/namespaces/" + namespace;
            switch (phase) {
                case LOCK -> awaitRequest("watch", "/apis/coordination.k8s.io/v1" + ns + "/leases", 1);
                case AWAIT, PREVIEW, ROLLBACK -> {
                    awaitRequest("watch", "/api/v1" + ns + "/pods", 1);
                    awaitRequest("watch", "/apis/apps/v1" + ns + "/deployments", 2); // the recorder's and the wait's
                }
                case DEPLOY -> awaitRequest("create", "/apis/apps/v1" + ns + "/deployments", 1);
                case SWITCH -> awaitRequest("update", "/api/v1" + ns + "/services/" + APP, 1);
                case FAST_ROLLBACK -> awaitRequest("patch", "/apis/apps/v1" + ns + "/deployments/" + APP + "-blue", 1);
                case SCALE_DOWN -> awaitRequest("update", "/apis/apps/v1" + ns + "/deployments/" + APP + "-blue", 1);
            }
            boolean waits =
                    phase == Phase.LOCK || phase == Phase.AWAIT || phase == Phase.PREVIEW || phase == Phase.ROLLBACK;
            if (waits) {
                ApiFault.sleep(Duration.ofMillis(150)); // the watch request has arrived; let it open
                assertThat(running)
                        .as("%s must still be waiting when its watches drop (pods take %s)", phase, SLOW_PODS)
                        .isNotDone();
            }
            return SIM.sim().faults().dropWatches();
        }

        /** The lock phase waits for another holder; it lets go only after the waiter's watch was dropped. */
        void afterWatchesDropped() {
            if (phase == Phase.LOCK) {
                reliable.releaseLock(APP, "https://ci.example/job/other/7/");
            }
        }

        private void awaitRequest(String verb, String path, int count) {
            Eventually.until(WAIT, () -> SIM.sim().requests().count(verb, path) >= count);
        }

        AppSnapshot snapshot() {
            return AppSnapshot.of(observer, namespace, APP, PREVIEW);
        }

        /** The outcome agrees with the cluster: done and visible, or nothing changed, or one of the two. */
        void checkOutcome(Result result, AppSnapshot before) {
            List<String> notCompleted = notCompleted();
            List<String> changed = snapshot()
                    .differencesFrom(
                            before, phase == Phase.ROLLBACK || phase == Phase.FAST_ROLLBACK, phase != Phase.LOCK);
            switch (result.outcome()) {
                case COMPLETED ->
                    assertThat(notCompleted).as("%s reported success", phase).isEmpty();
                case NOT_DONE ->
                    assertThat(changed)
                            .as("%s failed with %s, so the app must be as it was", phase, result.failure())
                            .isEmpty();
                case UNCERTAIN -> {
                    UncertainOutcomeException e = (UncertainOutcomeException) result.failure();
                    assertThat(e.whatToCheck()).as("what to check").contains("kubectl -n " + namespace);
                    if (!notCompleted.isEmpty() && !changed.isEmpty()) {
                        fail(
                                "%s was reported uncertain but is neither done (%s) nor untouched (%s)",
                                phase, notCompleted, changed);
                    }
                }
            }
        }

        /** Why the phase's effect is not (fully) in the cluster; empty when it is, recorded where it should be. */
        List<String> notCompleted() {
            List<String> missing = new ArrayList<>();
            Service service = apps.service(APP);
            Map<String, String> selector = service.getSpec().getSelector();
            List<HistoryEntry> history = new ReleaseHistory().decode(Labels.annotation(service, StateKeys.HISTORY));
            switch (phase) {
                case LOCK -> {
                    Lease lease = observer.leases()
                            .inNamespace(namespace)
                            .withName(APP + "-bluegreen")
                            .get();
                    if (lease == null || !HOLDER.equals(lease.getSpec().getHolderIdentity())) {
                        missing.add("the lock is not held by " + HOLDER);
                    }
                }
                case DEPLOY -> {
                    var green = apps.deployment(APP + "-green");
                    if (green == null
                            || !new DeploymentView(green).images().equals(List.of(image("2")))
                            || !"2".equals(Labels.annotation(green, StateKeys.REVISION))) {
                        missing.add("green does not run " + image("2") + " with its revision recorded");
                    }
                }
                case AWAIT, PREVIEW -> {
                    if (!new DeploymentView(apps.deployment(APP + "-green")).rolloutComplete()) {
                        missing.add("green is not ready");
                    }
                    Service preview = apps.service(PREVIEW);
                    if (phase == Phase.PREVIEW
                            && (preview == null
                                    || !"green"
                                            .equals(preview.getSpec()
                                                    .getSelector()
                                                    .get(SimApps.COLOR)))) {
                        missing.add("the preview Service does not select green");
                    }
                }
                case SWITCH, FAST_ROLLBACK, ROLLBACK -> {
                    String target = phase == Phase.SWITCH ? "green" : "blue";
                    String action = phase == Phase.SWITCH ? HistoryEntry.SWITCH : HistoryEntry.ROLLBACK;
                    if (!target.equals(selector.get(SimApps.COLOR))) {
                        missing.add("the Service selects " + selector.get(SimApps.COLOR) + ", not " + target);
                    }
                    if (history.isEmpty()
                            || !approvedBy.equals(history.get(0).approvedBy())
                            || !action.equals(history.get(0).action())) {
                        missing.add("the newest history entry is not this " + action + ": " + history);
                    }
                }
                case SCALE_DOWN -> {
                    var blue = apps.deployment(APP + "-blue");
                    if (blue.getSpec().getReplicas() != 0
                            || !"2".equals(Labels.annotation(blue, StateKeys.REPLICAS_BEFORE_SCALE_DOWN))) {
                        missing.add("blue is not scaled to 0 with its 2 replicas remembered");
                    }
                }
            }
            return missing;
        }

        void checkInvariants() {
            trace.awaitCaughtUp(observer);
            List<String> problems = new ArrayList<>(ServingInvariants.traceViolations(trace, APP, APP));
            problems.addAll(ServingInvariants.endStateViolations(observer, namespace, APP, APP));
            assertThat(problems)
                    .as("serving invariants after %s in %s", phase, namespace)
                    .isEmpty();
        }

        @Override
        public void close() {
            if (trace != null) {
                trace.close();
            }
            faultyClient.close();
            SIM.sim().scripts().removeImage(image("1")).removeImage(image("2"));
        }
    }
}
