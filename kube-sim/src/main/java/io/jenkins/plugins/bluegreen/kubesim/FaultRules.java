package io.jenkins.plugins.bluegreen.kubesim;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * The active API faults of one sim. Rules are checked in the order added; the first that matches
 * fires (and counts down if limited). Thread-safe.
 */
public final class FaultRules {

    /** An added rule: remove it, or ask how often it fired. */
    public final class Handle {
        private final FaultRule rule;
        private final AtomicInteger fired = new AtomicInteger();

        private Handle(FaultRule rule) {
            this.rule = rule;
        }

        public FaultRule rule() {
            return rule;
        }

        public int fired() {
            return fired.get();
        }

        /** Whether the rule can still fire. */
        public boolean isActive() {
            synchronized (FaultRules.this) {
                return handles.contains(this);
            }
        }

        public void remove() {
            synchronized (FaultRules.this) {
                handles.remove(this);
            }
        }
    }

    private final List<Handle> handles = new ArrayList<>();
    private final AtomicInteger refuseWatches = new AtomicInteger();
    private final IntSupplier dropWatches;

    FaultRules(IntSupplier dropWatches) {
        this.dropWatches = dropWatches;
    }

    public synchronized Handle add(FaultRule rule) {
        Handle h = new Handle(rule);
        handles.add(h);
        return h;
    }

    /** Removes every rule and watch refusal. */
    public synchronized void clear() {
        handles.clear();
        refuseWatches.set(0);
    }

    public synchronized List<FaultRule> active() {
        return handles.stream().map(Handle::rule).toList();
    }

    /** Drops the connection of every open watch now; returns how many were dropped. */
    public int dropWatches() {
        return dropWatches.getAsInt();
    }

    /** The next {@code n} watch requests are refused with 500 (clients must retry). */
    public void refuseWatches(int n) {
        refuseWatches.set(n);
    }

    /** Consumes one watch refusal if any are left. */
    boolean takeWatchRefusal() {
        return refuseWatches.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0;
    }

    /** The rule that fires for this request, if any; counts it as fired. */
    synchronized Optional<FaultRule> fire(FaultRequest request) {
        for (Handle h : new ArrayList<>(handles)) {
            if (h.rule.matches(request)) {
                int n = h.fired.incrementAndGet();
                if (h.rule.times() > 0 && n >= h.rule.times()) {
                    handles.remove(h);
                }
                return Optional.of(h.rule);
            }
        }
        return Optional.empty();
    }
}
