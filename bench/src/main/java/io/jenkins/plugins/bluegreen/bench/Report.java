package io.jenkins.plugins.bluegreen.bench;

import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns the benchmarks' results into the summary table (one line per figure, with its target and whether it was
 * met) and the detail tables behind it; renders them, the machine and the command as Markdown.
 */
final class Report {
    static final double HEALTH_P50_MS = 10;
    static final double HEALTH_P99_MS = 50;
    static final double CUTOVER_P50_MS = 15;
    static final int CUTOVER_REQUESTS = 3;
    static final int RELEASE_REQUESTS = 30;
    static final double HEAP_PER_WAIT_BYTES = 64 * 1024;
    /** Thread counts wobble by a couple (GC, the common pool, OkHttp's idle reaper); growth means more than that. */
    static final int THREAD_SLACK = 2;

    private final BenchOptions options;
    private final Duration readyDelay;
    private final Table summary = new Table("Summary", "#", "figure", "n", "p50", "p95", "p99", "target", "");
    private final List<Table> details = new ArrayList<>();

    Report(BenchOptions options, Duration readyDelay) {
        this.options = options;
        this.readyDelay = readyDelay;
    }

    void latency(ReleaseLatencyBench.Result r, int replicas) {
        Samples h = r.healthMillis();
        summary.row(
                "1",
                "health detection: last pod Ready → awaitHealthy returns",
                h.count(),
                Format.ms(h.median()),
                Format.ms(h.percentile(95)),
                Format.ms(h.percentile(99)),
                "p50 ≤ 10 ms, p99 ≤ 50 ms",
                Format.verdict(h.median() <= HEALTH_P50_MS && h.percentile(99) <= HEALTH_P99_MS));
        // the request target is the cutover itself (approval → switched, verified, recorded); what a step
        // does after traffic has moved (schedule the old colour's scale-down, release the lock) is reported
        cutoverRows(
                "2",
                "cutover: switchTraffic returns (switched, verified, recorded, follow-ups done)",
                r.switchMillis(),
                r.switchRequests(),
                false);
        cutoverRows(
                "2",
                "  cutover moment: traffic moved (Service stored, verified, recorded)",
                r.cutoverMillis(),
                r.cutoverRequests(),
                true);
        cutoverRows(
                "2",
                "rollback returns, previous colour still running",
                r.rollbackMillis(),
                r.rollbackRequests(),
                false);
        cutoverRows(
                "2",
                "  rollback moment: traffic moved back",
                r.rollbackCutoverMillis(),
                r.rollbackCutoverRequests(),
                true);
        details.add(new Table("2. Requests of one cutover and one rollback", "operation", "requests (verb path)")
                .row("switchTraffic", Requests.describe(r.switchBreakdown()))
                .row("rollback", Requests.describe(r.rollbackBreakdown()))
                .note(replicas + " replicas per colour; each repetition is a fresh app in a fresh namespace, released "
                        + "by a fresh BlueGreen on one shared client, as Jenkins steps would do it."));
    }

    private void cutoverRows(String item, String figure, Samples millis, Samples requests, boolean cutoverTarget) {
        summary.row(
                item,
                figure,
                millis.count(),
                Format.ms(millis.median()),
                Format.ms(millis.percentile(95)),
                Format.ms(millis.percentile(99)),
                "p50 ≤ 15 ms",
                Format.verdict(millis.median() <= CUTOVER_P50_MS));
        summary.row(
                item,
                "  … its API requests",
                requests.count(),
                Format.number(requests.median()),
                Format.number(requests.percentile(95)),
                Format.number(requests.percentile(99)),
                cutoverTarget ? "≤ 3" : "reported (incl. follow-ups)",
                cutoverTarget ? Format.verdict(requests.max() <= CUTOVER_REQUESTS) : "");
    }

    static final double AUTO_REVERT_P50_MS = 50;

    void autoRevert(AutoRevertBench.Result r, int replicas) {
        Samples e = r.endpointsMillis();
        summary.row(
                "8",
                "auto-revert: first failing pod status → EndpointSlices on the old colour's ready pods",
                e.count(),
                Format.ms(e.median()),
                Format.ms(e.percentile(95)),
                Format.ms(e.percentile(99)),
                "p50 ≤ 50 ms",
                Format.verdict(e.median() <= AUTO_REVERT_P50_MS));
        Samples f = r.failedMillis();
        summary.row(
                "8",
                "  … until the verification fails (reverted, confirmed, recorded, lock released)",
                f.count(),
                Format.ms(f.median()),
                Format.ms(f.percentile(95)),
                Format.ms(f.percentile(99)),
                "reported",
                "");
        Samples w = r.watchingRequests();
        summary.row(
                "8",
                "  requests while verifying, beyond the watches",
                w.count(),
                Format.number(w.median()),
                Format.number(w.percentile(95)),
                Format.number(w.max()),
                "0",
                Format.verdict(w.max() == 0));
        Samples s = r.watchStartRequests();
        summary.row(
                "8",
                "  requests to start the watches (list + watch)",
                s.count(),
                Format.number(s.median()),
                Format.number(s.percentile(95)),
                Format.number(s.max()),
                "reported",
                "");
        Samples v = r.revertRequests();
        summary.row(
                "8",
                "  requests of the revert (switch back, follow-ups, lock release)",
                v.count(),
                Format.number(v.median()),
                Format.number(v.percentile(95)),
                Format.number(v.max()),
                "reported",
                "");
        Samples p = r.passRequests();
        summary.row(
                "8",
                "  requests of a verified switch that passes (switch, watches, record, release)",
                p.count(),
                Format.number(p.median()),
                Format.number(p.percentile(95)),
                Format.number(p.max()),
                "reported",
                "");
        details.add(new Table("8. Requests of a verified switch", "what", "requests (verb path)")
                .row("switch + watches, up to the first crash", Requests.describe(r.watchStartBreakdown()))
                .row("the revert", Requests.describe(r.revertBreakdown()))
                .row("a switch verified for 300 ms that passes", Requests.describe(r.passBreakdown()))
                .note(replicas + " replicas per colour; the new colour's pods crash (kube-sim script crash-after:2s) "
                        + "after the verified switch; the start is kube-sim storing the first CrashLoopBackOff status, "
                        + "the end a separate client's watch seeing the EndpointSlices list only the old colour's pods, "
                        + "all ready. Every repetition is a fresh app in a fresh namespace."));
    }

    void releases(List<ReleaseRequestsBench.Run> runs) {
        Table table = new Table(
                "3. API requests per full release, by replicas",
                "replicas",
                "deploy",
                "await",
                "switch",
                "scale-down",
                "total",
                "time deploy→healthy→switched→scaled down");
        Map<Integer, Long> maxBySize = new TreeMap<>();
        for (ReleaseRequestsBench.Run run : runs) {
            table.row(
                    run.replicas(),
                    run.requests().get("deploy"),
                    run.requests().get("await"),
                    run.requests().get("switch"),
                    run.requests().get("scale-down"),
                    run.total(),
                    ReleaseRequestsBench.PHASES.stream()
                            .map(p -> Format.ms(run.millis().get(p)))
                            .reduce((a, b) -> a + " / " + b)
                            .orElse(""));
            maxBySize.merge(run.replicas(), run.total(), Math::max);
        }
        long min = maxBySize.values().stream().mapToLong(Long::longValue).min().orElse(0);
        long max = maxBySize.values().stream().mapToLong(Long::longValue).max().orElse(0);
        maxBySize.forEach((size, total) -> summary.row(
                "3",
                "API requests per release, " + size + " replica" + (size == 1 ? "" : "s"),
                runs.stream().filter(r -> r.replicas() == size).count(),
                total,
                "",
                "",
                "≤ 30, same for every size",
                Format.verdict(total <= RELEASE_REQUESTS && min == max)));
        ReleaseRequestsBench.Run largest = runs.get(runs.size() - 1);
        Table breakdown = new Table(
                "3. What the requests of one release are (" + largest.replicas() + " replicas)",
                "phase: verb path",
                "count");
        largest.breakdown().forEach((k, v) -> breakdown.row(k, v));
        table.note("Seeding the live colour is set-up and not counted; the await includes the pods becoming ready "
                + "(the simulated kubelet's " + readyDelay.toMillis() + " ms plus its stagger).");
        details.add(table);
        details.add(breakdown);
    }

    void waiting(List<WaitingCostBench.Result> results) {
        Table table = new Table(
                "4. Controller cost of releases waiting for health",
                "waiting",
                "threads before (held)",
                "threads while waiting (held)",
                "extra held threads",
                "extra threads incl. idle pool",
                "extra heap",
                "heap per wait",
                "requests to start the waits",
                "threads after cancel (held)");
        int first = results.get(0).extraHeldThreads();
        for (WaitingCostBench.Result r : results) {
            table.row(
                    r.waiting(),
                    r.before().controllerThreads() + " (" + r.before().heldControllerThreads() + ")",
                    r.during().controllerThreads() + " (" + r.during().heldControllerThreads() + ")",
                    r.extraHeldThreads(),
                    r.extraThreads(),
                    Format.kib(r.during().retainedBytes() - r.before().retainedBytes()),
                    Format.kib(r.heapPerWait()),
                    r.watchRequests(),
                    r.after().controllerThreads() + " (" + r.after().heldControllerThreads() + ")");
            summary.row(
                    "4",
                    "extra controller threads held, " + r.waiting() + " waiting",
                    1,
                    r.extraHeldThreads(),
                    "",
                    "",
                    "no growth with waits",
                    Format.verdict(r.extraHeldThreads() - first <= THREAD_SLACK));
        }
        WaitingCostBench.Result largest = results.get(results.size() - 1);
        summary.row(
                "4",
                "retained heap per waiting release (" + largest.waiting() + " waiting)",
                1,
                Format.kib(largest.heapPerWait()),
                "",
                "",
                "≤ 64 KiB",
                Format.verdict(largest.heapPerWait() <= HEAP_PER_WAIT_BYTES));
        table.note("Threads count everything in this JVM except kube-sim's own (kube-sim-*, vert.x-*): the engine, "
                + "fabric8/OkHttp and the JDK, as in a Jenkins controller. Held = not parked idle in a pool: starting "
                + "N waits at the same instant makes N initial reads at once, and the common pool and OkHttp's "
                + "dispatcher keep the extra workers for their 60 s keep-alive after the burst; those idle workers "
                + "are shown in 'incl. idle pool', the held ones are what waiting costs.");
        table.note("Heap is used heap after settled full GCs, relative to the same cluster with the same apps "
                + "deployed and nobody waiting; it includes the informers' caches of the waiting colours' pods and "
                + "kube-sim's bookkeeping for the watches, so it over-states the engine's own share.");
        Table threads = new Table(
                "4. Threads while " + largest.waiting() + " releases wait, by name",
                "thread name (numbers removed)",
                "before",
                "while waiting");
        Map<String, Integer> during = largest.during().threadGroups();
        Map<String, Integer> before = largest.before().threadGroups();
        java.util.Set<String> names = new java.util.TreeSet<>(during.keySet());
        names.addAll(before.keySet());
        for (String name : names) {
            if (!HeapAndThreads.isSim(name)) {
                threads.row(name, before.getOrDefault(name, 0), during.getOrDefault(name, 0));
            }
        }
        details.add(table);
        details.add(threads);
    }

    void clientStart(ClientStartBench.Result r) {
        Table table = new Table(
                "5. Obtaining a cluster client",
                "case",
                "n",
                "build p50",
                "build p95",
                "first request p50",
                "first request p95");
        table.row(
                "cold: first client in a fresh JVM",
                r.coldBuild().count(),
                Format.ms(r.coldBuild().median()),
                Format.ms(r.coldBuild().percentile(95)),
                Format.ms(r.coldFirstRequest().median()),
                Format.ms(r.coldFirstRequest().percentile(95)));
        table.row(
                "warm: another new client in a warm JVM",
                r.warmBuild().count(),
                Format.ms(r.warmBuild().median()),
                Format.ms(r.warmBuild().percentile(95)),
                Format.ms(r.warmFirstRequest().median()),
                Format.ms(r.warmFirstRequest().percentile(95)));
        table.row(
                "cached: ClusterClients.connect, client reused",
                r.cachedConnect().count(),
                Format.ms(r.cachedConnect().median()),
                Format.ms(r.cachedConnect().percentile(95)),
                Format.ms(r.cachedFirstRequest().median()),
                Format.ms(r.cachedFirstRequest().percentile(95)));
        table.note("Build includes parsing the kubeconfig, as a step does for every run; the cold figure excludes "
                + "JVM start-up itself. 'First request' is one GET; on a reused client it rides an open connection.");
        summary.row(
                "5",
                "client start, cold (build + first request)",
                r.coldBuild().count(),
                Format.ms(r.coldBuild().median() + r.coldFirstRequest().median()),
                "",
                "",
                "reported",
                "");
        summary.row(
                "5",
                "client start, warm new client (build + first request)",
                r.warmBuild().count(),
                Format.ms(r.warmBuild().median() + r.warmFirstRequest().median()),
                "",
                "",
                "reported",
                "");
        summary.row(
                "5",
                "client start, cached by ClusterClients (connect + first request)",
                r.cachedConnect().count(),
                Format.ms(r.cachedConnect().median() + r.cachedFirstRequest().median()),
                "",
                "",
                "reused",
                "");
        details.add(table);
    }

    void kubectl(KubectlComparisonBench.Result r, String version) {
        Table table = new Table(
                "6. kubectl script vs engine, same kube-sim, same delays",
                "phase",
                "kubectl p50",
                "engine p50",
                "kubectl / engine",
                "kubectl requests",
                "engine requests");
        for (String phase : KubectlComparisonBench.PHASES) {
            Samples k = r.kubectlMillis().get(phase);
            Samples e = r.engineMillis().get(phase);
            table.row(
                    phase,
                    Format.ms(k.median()),
                    Format.ms(e.median()),
                    Format.ratio(k.median() / e.median()),
                    Format.number(r.kubectlRequests().get(phase).median()),
                    Format.number(r.engineRequests().get(phase).median()));
        }
        table.row(
                "detection (last Ready → returns)",
                Format.ms(r.kubectlDetection().median()),
                Format.ms(r.engineDetection().median()),
                Format.ratio(r.kubectlDetection().median() / r.engineDetection().median()),
                "",
                "");
        table.note("kubectl " + version + ", one process per command with a warm discovery cache, as a script runs "
                + "it. Script: apply -f green.yaml; rollout status deployment/web-green; patch service web -p "
                + "'{\"spec\":{\"selector\":{…color: green}}}'; get service web -o jsonpath={.spec.selector}.");
        table.note("Repetitions alternate script and engine ("
                + r.engineMillis().get("total").count()
                + " each). The script does less than the engine: no lock, no preflight, no guarded write, no "
                + "history, no scale-down schedule.");
        Samples k = r.kubectlMillis().get("total");
        Samples e = r.engineMillis().get("total");
        summary.row(
                "6",
                "kubectl script / engine, whole release (p50 ratio)",
                e.count(),
                Format.ratio(k.median() / e.median()),
                "",
                "",
                "reported",
                "");
        Samples ks = r.kubectlMillis().get("switch+verify");
        Samples es = r.engineMillis().get("switch+verify");
        summary.row(
                "6",
                "kubectl patch+get / engine switchTraffic (p50 ratio)",
                es.count(),
                Format.ratio(ks.median() / es.median()),
                "",
                "",
                "reported",
                "");
        details.add(table);
    }

    void kubectlMissing() {
        summary.row(
                "6",
                "kubectl script vs engine",
                0,
                "",
                "",
                "",
                "reported",
                "skipped: no kubectl on PATH (Debian: apt-get install kubernetes-client)");
    }

    void cliWallTime(CliWallTimeBench.Result r, String kubectlVersion) {
        Table table = new Table(
                "7. CLI command wall time",
                "command",
                "n",
                "p50",
                "p95",
                "min",
                "CPU p50",
                "kubectl beside it",
                "kubectl p50",
                "kubectl p95",
                "p50 ratio",
                "p95 ratio");
        for (CliWallTimeBench.Pair p : r.pairs()) {
            Samples b = r.bluegreen().get(p.label());
            Samples c = r.bluegreenCpu().get(p.label());
            Samples k = r.kubectl().get(p.label());
            table.row(
                    p.label(),
                    b.count(),
                    Format.ms(b.median()),
                    Format.ms(b.percentile(95)),
                    Format.ms(b.min()),
                    c.isEmpty() ? "-" : Format.ms(c.median()),
                    "kubectl " + p.kubectlLabel(),
                    Format.ms(k.median()),
                    Format.ms(k.percentile(95)),
                    Format.ratio(b.median() / k.median()),
                    Format.ratio(b.percentile(95) / k.percentile(95)));
        }
        table.note(String.format(
                Locale.ROOT,
                "Whole processes, start to exit, as a shell pays them: bin/bluegreen "
                        + "(JVM start included) and kubectl %s, alternating within each repetition on the same kube-sim. "
                        + "Load average (1 min) %.2f before / %.2f after this table, on %d cores.",
                kubectlVersion,
                r.loadBefore(),
                r.loadAfter(),
                Runtime.getRuntime().availableProcessors()));
        table.note("bin/bluegreen starts from the class-data-sharing archive `mvn package` makes. \"warm helper\" rows "
                + "are served by the background helper the launcher keeps (its own private socket directory here); "
                + "\"in-process\" rows run with BLUEGREEN_DAEMON=off, as before the helper; the last row is a session's "
                + "first command, which finds no helper, runs in-process and starts one (stopped again before the next "
                + "sample). Ratios are bluegreen / kubectl. min is the fastest "
                + "run (the least disturbed by other load); CPU p50 is bluegreen's user + system CPU time "
                + "(/usr/bin/time), which load inflates far less than wall time.");
        for (CliWallTimeBench.Pair p : r.pairs()) {
            Samples b = r.bluegreen().get(p.label());
            summary.row(
                    "7",
                    p.label() + ", wall",
                    b.count(),
                    Format.ms(b.median()),
                    Format.ms(b.percentile(95)),
                    "",
                    p.label().contains("warm helper") ? "p50 ≤ 500 ms" : "reported",
                    p.label().contains("warm helper") ? Format.verdict(b.median() <= 500) : "");
        }
        details.add(table);
    }

    void cliMissing(String why) {
        summary.row("7", "CLI command wall time", 0, "", "", "", "reported", "skipped: " + why);
    }

    String markdown(Machine machine, double loadAfter, double seconds) {
        StringBuilder out = new StringBuilder();
        out.append("# Performance\n\n");
        out.append("Generated by `")
                .append(options.command())
                .append("` (the benchmark harness in `bench/`) on ")
                .append(ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
                .append(String.format(Locale.ROOT, " in %.0f s. ", seconds));
        out.append(
                options.quick() ? "This was a `--quick` run: few repetitions, so p95/p99 rest on few samples. " : "");
        out.append("Everything runs on one in-process kube-sim whose simulated kubelet marks a pod Ready ")
                .append(readyDelay.toMillis())
                .append(" ms after it is created (plus a stagger per pod). ")
                .append("Times are wall-clock on a shared machine; see the load average.\n\n");
        out.append("## Machine\n\n").append(machine.markdown(loadAfter)).append('\n');
        out.append("## Results\n\n").append(summary.markdown());
        for (Table table : details) {
            out.append(table.markdown());
        }
        out.append(BenchMain.readResource("/performance-notes.md"));
        return out.toString();
    }
}
