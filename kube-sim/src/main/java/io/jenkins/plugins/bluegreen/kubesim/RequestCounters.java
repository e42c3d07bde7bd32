package io.jenkins.plugins.bluegreen.kubesim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/**
 * Counts the requests clients sent to the sim, by Kubernetes verb (get, list, watch, create,
 * update, patch, delete, deletecollection) and path (without query). Controllers' own writes are
 * not counted: they never go over HTTP. Thread-safe.
 */
public final class RequestCounters {

    private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();
    private final LongAdder total = new LongAdder();
    /** The newest {@link #LOG_LIMIT} requests in order of arrival. */
    private final Deque<ClientRequest> log = new ArrayDeque<>();

    static final int LOG_LIMIT = 100_000;

    /** One per sim: {@link KubeSim#requests()}. */
    RequestCounters() {}

    void record(String verb, String path) {
        record(verb, path, false);
    }

    void record(String verb, String path, boolean dryRun) {
        counts.computeIfAbsent(verb + " " + path, k -> new LongAdder()).increment();
        total.increment();
        synchronized (log) {
            if (log.size() == LOG_LIMIT) {
                log.removeFirst();
            }
            log.addLast(new ClientRequest(verb, path, dryRun));
        }
    }

    /** The requests received since start or the last reset (at most the newest 100000), oldest first; a copy. */
    public List<ClientRequest> log() {
        synchronized (log) {
            return new ArrayList<>(log);
        }
    }

    /** The writes among {@link #log()}: create, update, patch, delete, deletecollection, dry runs included. */
    public List<ClientRequest> writes() {
        return log().stream().filter(ClientRequest::isWrite).toList();
    }

    /**
     * Requests matching a verb and a path.
     *
     * @param verb a Kubernetes verb ({@code list}), an HTTP method ({@code GET} = get, list and watch;
     *     {@code PUT} = update; ...), or {@code *} for any
     * @param pathPattern a path prefix ({@code /api/v1/namespaces/default/services}), or a glob where
     *     {@code *} matches within one path segment and {@code **} across segments
     */
    public long count(String verb, String pathPattern) {
        Pattern glob = pathPattern.contains("*") ? glob(pathPattern) : null;
        long n = 0;
        for (Map.Entry<String, LongAdder> e : counts.entrySet()) {
            int space = e.getKey().indexOf(' ');
            String v = e.getKey().substring(0, space);
            String path = e.getKey().substring(space + 1);
            boolean pathMatches = glob != null ? glob.matcher(path).matches() : path.startsWith(pathPattern);
            if (pathMatches && verbMatches(verb, v)) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    /** All requests counted since start or the last reset. */
    public long total() {
        return total.sum();
    }

    /** Counts by {@code "<verb> <path>"}, sorted by key; a copy. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public void reset() {
        counts.clear();
        total.reset();
        synchronized (log) {
            log.clear();
        }
    }

    static boolean verbMatches(String wanted, String verb) {
        if (wanted.equals("*") || wanted.equalsIgnoreCase(verb)) {
            return true;
        }
        return switch (wanted.toUpperCase(java.util.Locale.ROOT)) {
            case "GET" -> verb.equals("get") || verb.equals("list") || verb.equals("watch");
            case "POST" -> verb.equals("create");
            case "PUT" -> verb.equals("update");
            case "DELETE" -> verb.equals("delete") || verb.equals("deletecollection");
            default -> false;
        };
    }

    /** {@code *} within a segment, {@code **} across segments. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            if (c == '*') {
                if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString());
    }
}
