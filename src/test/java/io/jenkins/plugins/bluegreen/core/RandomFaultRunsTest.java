package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Random fault runs (docs/reliability.md): whole releases, aborts (abandon) and rollbacks, in random order, with random
 * API faults injected, one seed per run. After every operation and at the end of each run:
 * <ul>
 *   <li>the live Service selects a colour whose Deployment has all replicas ready;</li>
 *   <li>the serving colour was never scaled down, scaled to zero or deleted, and never selected without ready pods —
 *       judged at every version of the Services and Deployments a {@link ClusterTrace} observed during the run;</li>
 *   <li>the history annotation agrees with the selector (at every observed version of the Service);</li>
 *   <li>each operation's report agrees with the cluster: done ⇒ its change is there (its history entry, its
 *       revision); failed (not uncertain) ⇒ its change is not there, even after every held request landed.</li>
 * </ul>
 * A failing seed is printed with its operations, faults and outcomes, and the command that replays it alone.
 *
 * <p>{@code -Dbluegreen.seeds=5000} runs more seeds (default 500), {@code -Dbluegreen.firstSeed=N} moves the window,
 * {@code -Dbluegreen.seed=N} replays one. Seeds share one kube-sim (a namespace each) and run a few at a time; the
 * waits are mostly the faults' own (Retry-After, timeouts), not CPU. Operations and faults come from the seed; the
 * interleaving with kube-sim's controllers does not, so a replay re-runs the same plan, not the same schedule.
 */
class RandomFaultRunsTest {
    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(10)));

    private static final String APP = "myapp";
    private static final String HOLDER = SimApps.HOLDER;
    /** Short, so that a held request times the client out quickly; a spurious timeout is just one more fault. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(400);

    private static final Duration SLOW = Duration.ofMillis(1200);
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** A seed runs at most 6 operations; even with every fault they end well within this. */
    private static final Duration SEED_LIMIT = Duration.ofSeconds(120);

    private static final Map<String, AtomicInteger> OUTCOMES = new ConcurrentHashMap<>();
    private static final AtomicInteger FAULTS_FIRED = new AtomicInteger();

    enum Op {
        RELEASE,
        SWITCH,
        ROLLBACK,
        ABANDON,
        SCALE_DOWN,
        SCALE_DOWN_DURING_ROLLBACK
    }

    enum Outcome {
        COMPLETED,
        NOT_DONE,
        UNCERTAIN
    }

    @Test
    void releasesAbortsAndRollbacksUnderRandomFaultsKeepTheInvariants() throws Exception {
        String replay = System.getProperty("bluegreen.seed");
        long first = Long.getLong("bluegreen.firstSeed", 1);
        int count = Integer.getInteger("bluegreen.seeds", 500);
        List<Long> seeds = replay != null
                ? List.of(Long.parseLong(replay))
                : LongStream.range(first, first + count).boxed().toList();
        int parallel = replay != null ? 1 : Integer.getInteger("bluegreen.parallel", 12);

        long started = System.nanoTime();
        List<SeedRun> failed = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
        try (KubernetesClient faulty = ApiFault.client(SIM.sim(), REQUEST_TIMEOUT);
                KubernetesClient observer = ApiFault.observerClient(SIM.sim())) {
            List<SeedRun> planned = seeds.stream()
                    .map(seed -> new SeedRun(seed, faulty, observer, timers))
                    .toList();
            List<Future<SeedRun>> runs =
                    planned.stream().map(run -> pool.submit(run::run)).toList();
            for (int i = 0; i < runs.size(); i++) {
                SeedRun done = planned.get(i);
                try {
                    runs.get(i).get(SEED_LIMIT.toSeconds(), TimeUnit.SECONDS);
                } catch (TimeoutException hung) {
                    // an operation that never ends is a finding too (a retry loop without a bound, say)
                    done.problems.add("did not finish within " + SEED_LIMIT.toSeconds() + " s: an operation hangs;"
                            + " its thread:\n" + done.threadDump());
                    runs.get(i).cancel(true);
                }
                if (!done.problems.isEmpty() || replay != null) {
                    if (!done.problems.isEmpty()) {
                        failed.add(done);
                    }
                    System.out.println(done.report());
                }
            }
        } finally {
            pool.shutdownNow();
            timers.shutdownNow();
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        System.out.println(summary(seeds.size(), parallel, took, failed));
        assertThat(failed)
                .as("seeds that broke an invariant or misreported an outcome (printed above with the "
                        + "command to replay each)")
                .extracting(run -> run.seed)
                .isEmpty();
    }

    private static String summary(int seeds, int parallel, Duration took, List<SeedRun> failed) {
        Map<String, Integer> outcomes = new TreeMap<>();
        OUTCOMES.forEach((k, v) -> outcomes.put(k, v.get()));
        return "\nRandom fault runs: " + seeds + " seeds (" + parallel + " at a time) in " + took.toSeconds() + " s, "
                + FAULTS_FIRED.get() + " faults fired, " + failed.size() + " failed"
                + (failed.isEmpty()
                        ? ""
                        : " (seeds "
                                + failed.stream()
                                        .map(r -> String.valueOf(r.seed))
                                        .collect(Collectors.joining(", ")) + ")")
                + "\noperation outcomes: " + outcomes + "\n";
    }

    /** One seed: a fresh namespace with myapp live on blue, then 3–6 random operations under random faults. */
    private static final class SeedRun {
        final long seed;
        final Random random;
        final KubernetesClient faulty;
        final KubernetesClient observer;
        final ScheduledExecutorService timers;
        final List<String> log = new ArrayList<>();
        final List<String> problems = new ArrayList<>();
        final MutableClock clock = new MutableClock();
        volatile Thread thread;
        String namespace;
        SimApps apps;
        SharedWatches watches;
        BlueGreen engine;
        ClusterTrace trace;

        SeedRun(long seed, KubernetesClient faulty, KubernetesClient observer, ScheduledExecutorService timers) {
            this.seed = seed;
            this.random = new Random(seed);
            this.faulty = faulty;
            this.observer = observer;
            this.timers = timers;
        }

        SeedRun run() {
            thread = Thread.currentThread();
            try {
                namespace = SIM.newNamespace();
                apps = new SimApps(observer, namespace);
                int replicas = 1 + random.nextInt(2);
                apps.seedLive(APP, Color.BLUE, replicas, image(0));
                log.add("namespace " + namespace + ": " + APP + " live on blue, " + replicas + " replicas");
                watches = new SharedWatches(faulty);
                engine = BlueGreen.builder(faulty)
                        .namespace(namespace)
                        .clock(clock)
                        .watches(watches)
                        .listener(new ReleaseListener() {
                            @Override
                            public void warn(String message) {
                                synchronized (log) {
                                    log.add("    warn: " + message);
                                }
                            }
                        })
                        .build();
                trace = new ClusterTrace(observer, namespace);
                int ops = 3 + random.nextInt(4);
                for (int k = 1; k <= ops && problems.isEmpty(); k++) {
                    step(k, k == 1 && random.nextInt(5) > 0 ? Op.RELEASE : pick());
                }
                trace.awaitCaughtUp(observer);
                problems.addAll(ServingInvariants.traceViolations(trace, APP, APP));
                problems.addAll(ServingInvariants.endStateViolations(observer, namespace, APP, APP));
            } catch (Throwable t) {
                problems.add("the run itself failed: " + stackTrace(t));
            } finally {
                tearDown();
            }
            return this;
        }

        private Op pick() {
            int r = random.nextInt(100);
            if (r < 30) {
                return Op.RELEASE;
            } else if (r < 50) {
                return Op.SWITCH;
            } else if (r < 65) {
                return Op.ROLLBACK;
            } else if (r < 75) {
                return Op.ABANDON;
            } else if (r < 90) {
                return Op.SCALE_DOWN;
            }
            return Op.SCALE_DOWN_DURING_ROLLBACK;
        }

        private String image(int k) {
            return "registry.example/s" + seed + "/myapp:" + k;
        }

        private String id(int k) {
            return "s" + seed + "-op" + k;
        }

        /** One operation under the faults the seed picks for it; then its report is checked against the cluster. */
        private void step(int k, Op op) {
            Plan plan = plan(k);
            Before before = new Before();
            List<Outcome> outcomes;
            try (ApiFault.Installed faults = new ApiFault.Installed(SIM.sim(), SLOW)) {
                plan.install(faults);
                ScheduledFuture<?> drop = plan.dropWatchesAfter == null
                        ? null
                        : timers.schedule(
                                () -> SIM.sim().faults().dropWatches(),
                                plan.dropWatchesAfter.toMillis(),
                                TimeUnit.MILLISECONDS);
                try {
                    outcomes = perform(k, op, before);
                } finally {
                    if (drop != null) {
                        drop.cancel(false);
                    }
                    faults.close();
                }
                faults.awaitHeldRequestsLanded(); // a request the client gave up on may still change the cluster
                FAULTS_FIRED.addAndGet(faults.fired());
            }
            checkReports(k, op, before, outcomes);
            problems.addAll(ServingInvariants.endStateViolations(observer, namespace, APP, APP).stream()
                    .map(p -> "after op" + k + " " + op + ": " + p)
                    .toList());
        }

        /** What an operation's report is checked against. */
        private final class Before {
            final Color live = liveColor();
            final Map<Color, Integer> replicas = new TreeMap<>();
            SwitchResult switched;
            RollbackResult rolledBack;
            ScaleDownResult scaledDown;
            HealthSummary awaited;

            Before() {
                for (Color c : Color.values()) {
                    Deployment d = apps.deployment(APP + "-" + c.label());
                    replicas.put(c, d == null ? null : d.getSpec().getReplicas());
                }
            }
        }

        private List<Outcome> perform(int k, Op op, Before before) {
            String label = "op" + k + " " + op;
            switch (op) {
                case RELEASE -> {
                    int replicas = 1 + random.nextInt(2);
                    Outcome deployed = attempt(
                            label + "/deploy " + image(k) + " ×" + replicas,
                            () -> engine.deploy(DeployRequest.builder(APP)
                                    .image(image(k))
                                    .revision(id(k))
                                    .replicas(replicas)
                                    .holder(HOLDER)
                                    .build()));
                    Outcome awaited = deployed == Outcome.NOT_DONE
                            ? null
                            : attempt(label + "/await", () -> before.awaited = engine.awaitHealthy(APP, null, WAIT));
                    return awaited == null ? List.of(deployed) : List.of(deployed, awaited);
                }
                case SWITCH -> {
                    Duration delay = random.nextBoolean() ? Duration.ZERO : Duration.ofSeconds(30);
                    return List.of(attempt(
                            label + " (scale-down delay " + delay.toSeconds() + " s)",
                            () -> before.switched = engine.switchTraffic(SwitchRequest.builder(APP)
                                    .approvedBy(id(k))
                                    .holder(HOLDER)
                                    .scaleDownDelay(delay)
                                    .build())));
                }
                case ROLLBACK -> {
                    return List.of(attempt(label, () -> before.rolledBack = engine.rollback(rollback(k))));
                }
                case ABANDON -> {
                    return List.of(attempt(label, () -> engine.abandon(APP, HOLDER)));
                }
                case SCALE_DOWN -> {
                    clock.advance(Duration.ofSeconds(31));
                    return List.of(attempt(label, () -> before.scaledDown = engine.scaleDownIfDue(APP)));
                }
                case SCALE_DOWN_DURING_ROLLBACK -> {
                    clock.advance(Duration.ofSeconds(31));
                    // two processes: the scale-down of one and the rollback of another, at the same moment
                    CompletableFuture<Outcome> scaleDown = CompletableFuture.supplyAsync(
                            () -> attempt(label + "/scale-down", () -> engine.scaleDownIfDue(APP)));
                    Outcome rollback = attempt(label + "/rollback", () -> engine.rollback(rollback(k)));
                    return List.of(scaleDown.join(), rollback);
                }
            }
            throw new AssertionError(op);
        }

        private RollbackRequest rollback(int k) {
            return RollbackRequest.builder(APP)
                    .holder(HOLDER)
                    .approvedBy(id(k))
                    .timeout(WAIT)
                    .build();
        }

        /** Runs one engine call; a failure that is not a typed BlueGreenException is itself a problem. */
        private Outcome attempt(String label, Supplier<Object> call) {
            Outcome outcome;
            String detail;
            try {
                Object result = call.get();
                outcome = Outcome.COMPLETED;
                detail = String.valueOf(result);
            } catch (UncertainOutcomeException e) {
                outcome = Outcome.UNCERTAIN;
                detail = e.toString();
                if (!e.whatToCheck().contains("kubectl")) {
                    problems.add(label + ": uncertain without a kubectl command to check: " + e.whatToCheck());
                }
            } catch (BlueGreenException e) {
                outcome = Outcome.NOT_DONE;
                detail = e.toString();
            } catch (RuntimeException e) {
                problems.add(label + ": failed with an untyped " + stackTrace(e));
                outcome = Outcome.NOT_DONE;
                detail = e.toString();
            }
            OUTCOMES.computeIfAbsent(
                            label.replaceAll("^op\\d+ ", "").replaceAll(" .*", "") + " " + outcome,
                            x -> new AtomicInteger())
                    .incrementAndGet();
            synchronized (log) {
                log.add("  " + label + " → " + outcome + ": " + abbreviate(detail));
            }
            return outcome;
        }

        /** Done ⇒ there; not done ⇒ not there. Uncertain may be either. */
        private void checkReports(int k, Op op, Before before, List<Outcome> outcomes) {
            String label = "op" + k + " " + op;
            List<HistoryEntry> history = history();
            boolean recorded = history.stream().anyMatch(h -> id(k).equals(h.approvedBy()));
            switch (op) {
                case RELEASE -> {
                    Optional<Deployment> withRevision = colours()
                            .filter(d -> id(k).equals(Labels.annotation(d, StateKeys.REVISION)))
                            .findFirst();
                    if (outcomes.get(0) == Outcome.COMPLETED && withRevision.isEmpty()) {
                        problems.add(label + ": deploy reported done, but no Deployment carries revision " + id(k));
                    }
                    if (outcomes.get(0) == Outcome.NOT_DONE && withRevision.isPresent()) {
                        problems.add(label + ": deploy reported failure, but "
                                + withRevision.get().getMetadata().getName() + " carries its revision " + id(k));
                    }
                    if (outcomes.size() > 1 && outcomes.get(1) == Outcome.COMPLETED) {
                        Deployment awaited = apps.deployment(before.awaited.deployment());
                        if (awaited == null || !new DeploymentView(awaited).rolloutComplete()) {
                            problems.add(label + ": await reported " + before.awaited.deployment() + " healthy, "
                                    + "but it is not fully ready: "
                                    + (awaited == null
                                            ? "gone"
                                            : "generation "
                                                    + awaited.getMetadata().getGeneration() + ", "
                                                    + awaited.getStatus()));
                        }
                    }
                }
                case SWITCH -> {
                    boolean switched = outcomes.get(0) == Outcome.COMPLETED
                            && before.switched.outcome() == SwitchResult.Outcome.SWITCHED;
                    checkRecorded(label, outcomes.get(0), switched, recorded);
                }
                case ROLLBACK -> {
                    boolean switchedBack = outcomes.get(0) == Outcome.COMPLETED
                            && before.rolledBack.action() != RollbackResult.Action.ABANDONED
                            && !before.rolledBack.message().contains("already live");
                    checkRecorded(label, outcomes.get(0), switchedBack, recorded);
                }
                case ABANDON -> {
                    Color idle = before.live == null ? null : before.live.other();
                    Integer now = idle == null ? null : replicas(idle);
                    if (outcomes.get(0) == Outcome.COMPLETED && now != null && now != 0) {
                        problems.add(
                                label + ": abandon reported done, but " + idle + " still has " + now + " replicas");
                    }
                    if (outcomes.get(0) == Outcome.NOT_DONE && !Objects.equals(now, before.replicas.get(idle))) {
                        problems.add(label + ": abandon reported failure, but " + idle + " went from "
                                + before.replicas.get(idle) + " to " + now + " replicas");
                    }
                }
                case SCALE_DOWN -> {
                    ScaleDownResult result = before.scaledDown;
                    if (outcomes.get(0) == Outcome.COMPLETED
                            && result.outcome() == ScaleDownResult.Outcome.SCALED_DOWN
                            && !Objects.equals(replicas(result.color()), 0)) {
                        problems.add(label + ": reported " + result.color() + " scaled down, but it has "
                                + replicas(result.color()) + " replicas");
                    }
                    if (outcomes.get(0) == Outcome.NOT_DONE) {
                        for (Color c : Color.values()) {
                            if (!Objects.equals(replicas(c), before.replicas.get(c))) {
                                problems.add(label + ": scale-down reported failure, but " + c + " went from "
                                        + before.replicas.get(c) + " to " + replicas(c) + " replicas");
                            }
                        }
                    }
                }
                case SCALE_DOWN_DURING_ROLLBACK -> {
                    // two writers at once: only the invariants judge the pair (checked after every step)
                }
            }
        }

        private void checkRecorded(String label, Outcome outcome, boolean reportedSwitch, boolean recorded) {
            if (reportedSwitch && !recorded) {
                problems.add(label + ": reported the switch done, but the history has no entry approved by its id");
            }
            if (outcome == Outcome.NOT_DONE && recorded) {
                problems.add(label + ": reported failure, but the history records its switch");
            }
            if (outcome == Outcome.COMPLETED && !reportedSwitch && recorded) {
                problems.add(label + ": reported no switch, but the history records one");
            }
        }

        private Color liveColor() {
            Service service = apps.service(APP);
            return service == null ? null : ServingInvariants.selectedColor(service);
        }

        private List<HistoryEntry> history() {
            return new ReleaseHistory().decode(Labels.annotation(apps.service(APP), StateKeys.HISTORY));
        }

        private java.util.stream.Stream<Deployment> colours() {
            return java.util.Arrays.stream(Color.values())
                    .map(c -> apps.deployment(APP + "-" + c.label()))
                    .filter(Objects::nonNull);
        }

        private Integer replicas(Color color) {
            Deployment d = apps.deployment(APP + "-" + color.label());
            return d == null ? null : d.getSpec().getReplicas();
        }

        /** The faults of one operation, drawn from the seed. */
        private Plan plan(int k) {
            Plan plan = new Plan();
            if (random.nextInt(100) < 40) {
                return plan; // some operations run clean, so that runs get somewhere
            }
            int n = random.nextInt(3) == 0 ? 2 : 1;
            for (int i = 0; i < n; i++) {
                ApiFault fault = pickFault();
                if (fault == ApiFault.WATCH_DROPPED) {
                    plan.dropWatchesAfter = Duration.ofMillis(random.nextInt(150));
                    plan.refusedWatches = random.nextInt(3);
                    plan.describe.add("watches dropped after " + plan.dropWatchesAfter.toMillis() + " ms, next "
                            + plan.refusedWatches + " refused");
                    continue;
                }
                String[] target = TARGETS[random.nextInt(TARGETS.length)];
                int r = random.nextInt(4);
                int times = r < 2 ? 1 : r == 2 ? 2 : 0;
                String path = target[1].replace("NS", namespace);
                plan.rules.add(new Rule(fault, target[0], path, times));
                plan.describe.add(
                        fault.title + " on " + target[0] + " " + path + " " + (times == 0 ? "always" : "×" + times));
            }
            synchronized (log) {
                log.add("  op" + k + " faults: "
                        + (plan.describe.isEmpty() ? "none" : String.join("; ", plan.describe)));
            }
            return plan;
        }

        private ApiFault pickFault() {
            int r = random.nextInt(100);
            if (r < 20) {
                return ApiFault.HTTP_500;
            } else if (r < 38) {
                return ApiFault.CONFLICT_409;
            } else if (r < 42) {
                return ApiFault.TOO_MANY_429; // rare: Retry-After costs at least a second
            } else if (r < 57) {
                return ApiFault.DROP_BEFORE_APPLY;
            } else if (r < 72) {
                return ApiFault.DROP_AFTER_APPLY;
            } else if (r < 84) {
                return ApiFault.SLOW_PAST_TIMEOUT;
            }
            return ApiFault.WATCH_DROPPED;
        }

        private final class Plan {
            final List<Rule> rules = new ArrayList<>();
            final List<String> describe = new ArrayList<>();
            Duration dropWatchesAfter;
            int refusedWatches;

            void install(ApiFault.Installed faults) {
                rules.forEach(r -> faults.add(r.fault(), r.verb(), r.path(), r.times()));
                if (refusedWatches > 0) {
                    faults.refuseWatches(namespace, refusedWatches);
                }
            }
        }

        private void tearDown() {
            if (trace != null) {
                trace.close();
            }
            if (watches != null) {
                watches.close();
            }
            if (namespace != null) {
                try {
                    observer.namespaces().withName(namespace).delete(); // keeps the shared store small
                } catch (RuntimeException ignored) {
                    // the next seed uses a fresh namespace anyway
                }
            }
        }

        String threadDump() {
            Thread t = thread;
            return t == null
                    ? "(not started)"
                    : java.util.Arrays.stream(t.getStackTrace())
                            .limit(40)
                            .map(e -> "      at " + e)
                            .collect(Collectors.joining("\n"));
        }

        String report() {
            StringBuilder out =
                    new StringBuilder("\nseed " + seed + (problems.isEmpty() ? " passed" : " FAILED") + "\n");
            synchronized (log) {
                log.forEach(line -> out.append(line).append('\n'));
            }
            problems.forEach(p -> out.append("  PROBLEM: ").append(p).append('\n'));
            if (!problems.isEmpty() && trace != null) {
                out.append("  what the recorder saw:\n").append(trace.timeline());
            }
            out.append("  replay: mvn -B -o -f offline -pl core test -Dtest=RandomFaultRunsTest -Dbluegreen.seed=")
                    .append(seed)
                    .append('\n');
            return out.toString();
        }
    }

    private record Rule(ApiFault fault, String verb, String path, int times) {}

    /** Requests a release makes, as {verb, path glob}; NS is the seed's namespace. */
    private static final String[][] TARGETS = {
        {"update", "/api/v1/namespaces/NS/services/myapp"},
        {"get", "/api/v1/namespaces/NS/services/myapp"},
        {"create", "/api/v1/namespaces/NS/services"},
        {"create", "/apis/apps/v1/namespaces/NS/deployments"},
        {"update", "/apis/apps/v1/namespaces/NS/deployments/myapp-blue"},
        {"update", "/apis/apps/v1/namespaces/NS/deployments/myapp-green"},
        {"get", "/apis/apps/v1/namespaces/NS/deployments/*"},
        {"list", "/apis/apps/v1/namespaces/NS/deployments"},
        {"watch", "/apis/apps/v1/namespaces/NS/deployments"},
        {"list", "/api/v1/namespaces/NS/pods"},
        {"watch", "/api/v1/namespaces/NS/pods"},
        {"create", "/apis/coordination.k8s.io/v1/namespaces/NS/leases"},
        {"update", "/apis/coordination.k8s.io/v1/namespaces/NS/leases/myapp-bluegreen"},
        {"get", "/apis/coordination.k8s.io/v1/namespaces/NS/leases/myapp-bluegreen"},
        // the requests a switch and a rollback send without reading first (to keep a cutover's requests few): the old
        // colour's scale-down time, the lock's release and a rollback's take of a free lock
        {"patch", "/apis/apps/v1/namespaces/NS/deployments/*"},
        {"patch", "/apis/coordination.k8s.io/v1/namespaces/NS/leases/myapp-bluegreen"},
        // a rollback without the lock claims the previous colour with a patch of deployments/* (above); the deploy's
        // announcement and abandon's removal of it are updates of the Service (first row)
    };

    private static String abbreviate(String text) {
        String oneLine = text.replace('\n', ' ');
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }

    private static String stackTrace(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
