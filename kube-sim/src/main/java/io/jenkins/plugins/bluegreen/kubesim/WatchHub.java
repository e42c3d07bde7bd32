package io.jenkins.plugins.bluegreen.kubesim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Fans store changes out to open watches, with a bounded history so a client can resume from a
 * resourceVersion it saw (list-then-watch, reconnects). A version older than the history gets
 * 410 Gone, which is what makes informers relist.
 */
final class WatchHub {

    /** One open watch. */
    final class Watch {
        private final WatchRequest request;
        private final WatchSink sink;

        private Watch(WatchRequest request, WatchSink sink) {
            this.request = request;
            this.sink = sink;
        }

        /** Ends the watch cleanly and forgets it. */
        void end() {
            if (remove(this)) {
                sink.end();
            }
        }

        /** Forgets the watch after its client went away. */
        void forget() {
            remove(this);
        }

        private void drop() {
            sink.drop();
        }

        private void deliver(StoreEvent e) {
            if (!request.sameCollection(e)) {
                return;
            }
            boolean matchesNew = request.labels().matches(e.labels());
            boolean matchesOld = !e.type().equals("ADDED") && request.labels().matches(e.oldLabels());
            String type;
            if (e.type().equals("MODIFIED")) {
                type = matchesOld && matchesNew ? "MODIFIED" : matchesNew ? "ADDED" : matchesOld ? "DELETED" : null;
            } else {
                type = matchesNew ? e.type() : null;
            }
            if (type != null) {
                sink.send(event(type, e.json()));
            }
        }
    }

    private final int capacity;
    private final Deque<StoreEvent> history = new ArrayDeque<>();
    private final Set<Watch> open = new LinkedHashSet<>();
    private long evictedUpTo;

    WatchHub(int capacity) {
        this.capacity = capacity;
    }

    static String event(String type, String objectJson) {
        return "{\"type\":\"" + type + "\",\"object\":" + objectJson + "}";
    }

    synchronized void publish(StoreEvent e) {
        history.addLast(e.withoutTree());
        while (history.size() > capacity) {
            evictedUpTo = history.removeFirst().resourceVersion();
        }
        for (Watch w : List.copyOf(open)) {
            w.deliver(e);
        }
    }

    /**
     * Opens a watch that resumes after {@code request.resourceVersion()}; if that version is older
     * than the retained history the client gets an ERROR event with 410 and the watch ends.
     *
     * @return the watch, or null if it was refused with 410
     */
    synchronized Watch resume(WatchRequest request, WatchSink sink) {
        long from = request.resourceVersion();
        if (from < evictedUpTo) {
            sink.send(event(
                    "ERROR",
                    Statuses.json(410, "Expired", "too old resource version: " + from + " (" + evictedUpTo + ")")));
            sink.end();
            return null;
        }
        return register(request, sink, from);
    }

    /**
     * Opens a watch that first sends the given current objects as ADDED (the state at
     * {@code listedAt}) and then every change after it.
     */
    synchronized Watch startFrom(WatchRequest request, WatchSink sink, List<String> current, long listedAt) {
        current.forEach(json -> sink.send(event("ADDED", json)));
        return register(request, sink, listedAt);
    }

    private Watch register(WatchRequest request, WatchSink sink, long after) {
        Watch w = new Watch(request, sink);
        for (StoreEvent e : history) {
            if (e.resourceVersion() > after) {
                w.deliver(e);
            }
        }
        open.add(w);
        return w;
    }

    private synchronized boolean remove(Watch w) {
        return open.remove(w);
    }

    /** Drops every open watch's connection; returns how many there were. */
    int dropAll() {
        List<Watch> dropped;
        synchronized (this) {
            dropped = new ArrayList<>(open);
            open.clear();
        }
        dropped.forEach(Watch::drop);
        return dropped.size();
    }

    /** Ends every open watch cleanly (server shutdown). */
    void endAll() {
        List<Watch> ended;
        synchronized (this) {
            ended = new ArrayList<>(open);
        }
        ended.forEach(Watch::end);
    }

    synchronized int openCount() {
        return open.size();
    }
}
