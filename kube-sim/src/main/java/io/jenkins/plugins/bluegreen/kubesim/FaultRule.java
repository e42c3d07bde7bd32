package io.jenkins.plugins.bluegreen.kubesim;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * One API fault: which requests it matches and what happens to them. Immutable; build with
 * {@link #on(String, String)}, e.g. {@code FaultRule.on("list", "/apis/apps/v1/**").respond(429).times(2)}.
 * The verb is a Kubernetes verb, an HTTP method or {@code *}; a rule fires every time until limited with
 * {@link #times(int)} or {@link #once()}. Globs, actions and examples: kube-sim/README.md, "Fault rules".
 */
public final class FaultRule {

    /** What a matching request gets. */
    public enum Action {
        /** An error status with a Status body (and Retry-After if given); nothing is applied. */
        RESPOND,
        /** Waits, then serves the request normally (possibly after the client gave up). */
        DELAY,
        /** Closes the connection without applying the request. */
        DROP_BEFORE_APPLY,
        /** Applies the request, then closes the connection instead of answering. */
        DROP_AFTER_APPLY,
        /** Holds the request until a {@link RequestGate} opens, then serves it normally. */
        HOLD
    }

    private final String verb;
    private final String pathGlob;
    private final Pattern path;
    private final Predicate<FaultRequest> where;
    private final Action action;
    private final int status;
    private final String message;
    private final Duration retryAfter;
    private final Duration delay;
    private final int times;
    private final RequestGate gate;

    private FaultRule(
            String verb,
            String pathGlob,
            Predicate<FaultRequest> where,
            Action action,
            int status,
            String message,
            Duration retryAfter,
            Duration delay,
            int times) {
        this(verb, pathGlob, where, action, status, message, retryAfter, delay, times, null);
    }

    private FaultRule(
            String verb,
            String pathGlob,
            Predicate<FaultRequest> where,
            Action action,
            int status,
            String message,
            Duration retryAfter,
            Duration delay,
            int times,
            RequestGate gate) {
        this.verb = verb;
        this.pathGlob = pathGlob;
        this.path = RequestCounters.glob(pathGlob);
        this.where = where;
        this.action = action;
        this.status = status;
        this.message = message;
        this.retryAfter = retryAfter;
        this.delay = delay;
        this.times = times;
        this.gate = gate;
    }

    /** Starts a rule for requests with this verb (or HTTP method, or *) and path glob. */
    public static Matcher on(String verb, String pathGlob) {
        return new Matcher(Objects.requireNonNull(verb), Objects.requireNonNull(pathGlob), r -> true);
    }

    /** The request part of a rule; pick an action to finish it. */
    public static final class Matcher {
        private final String verb;
        private final String pathGlob;
        private final Predicate<FaultRequest> where;

        private Matcher(String verb, String pathGlob, Predicate<FaultRequest> where) {
            this.verb = verb;
            this.pathGlob = pathGlob;
            this.where = where;
        }

        /** Also requires the predicate (e.g. on the body or query). */
        public Matcher where(Predicate<FaultRequest> predicate) {
            return new Matcher(verb, pathGlob, where.and(predicate));
        }

        /** Responds with this status and a Status body; nothing is applied. */
        public FaultRule respond(int status) {
            return respond(status, "kube-sim injected fault: " + status + " " + Statuses.reasonFor(status));
        }

        public FaultRule respond(int status, String message) {
            return new FaultRule(verb, pathGlob, where, Action.RESPOND, status, message, null, null, -1);
        }

        /** Responds with this status and a {@code Retry-After} header (whole seconds, rounded up). */
        public FaultRule respond(int status, Duration retryAfter) {
            return new FaultRule(
                    verb,
                    pathGlob,
                    where,
                    Action.RESPOND,
                    status,
                    "kube-sim injected fault: " + status + " " + Statuses.reasonFor(status),
                    retryAfter,
                    null,
                    -1);
        }

        /** Holds the request for this long, then serves it. */
        public FaultRule delay(Duration delay) {
            return new FaultRule(verb, pathGlob, where, Action.DELAY, 0, null, null, delay, -1);
        }

        /** Closes the connection; the change is not made. */
        public FaultRule dropBeforeApply() {
            return new FaultRule(verb, pathGlob, where, Action.DROP_BEFORE_APPLY, 0, null, null, null, -1);
        }

        /**
         * Holds the request, before anything is applied, until {@code gate} opens; then serves it. For
         * interleaving two clients in a test without timing (see {@link RequestGate}).
         */
        public FaultRule holdUntil(RequestGate gate) {
            return new FaultRule(
                    verb, pathGlob, where, Action.HOLD, 0, null, null, null, -1, Objects.requireNonNull(gate));
        }

        /** Makes the change, then closes the connection: the client cannot know it succeeded. */
        public FaultRule dropAfterApply() {
            return new FaultRule(verb, pathGlob, where, Action.DROP_AFTER_APPLY, 0, null, null, null, -1);
        }
    }

    /** Fires at most {@code n} times. */
    public FaultRule times(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + n);
        }
        return new FaultRule(verb, pathGlob, where, action, status, message, retryAfter, delay, n, gate);
    }

    public FaultRule once() {
        return times(1);
    }

    /** Fires on every matching request (the default). */
    public FaultRule always() {
        return new FaultRule(verb, pathGlob, where, action, status, message, retryAfter, delay, -1, gate);
    }

    boolean matches(FaultRequest r) {
        return (RequestCounters.verbMatches(verb, r.verb()) || verb.equalsIgnoreCase(r.method()))
                && path.matcher(r.path()).matches()
                && where.test(r);
    }

    public String verb() {
        return verb;
    }

    public String pathGlob() {
        return pathGlob;
    }

    public Action action() {
        return action;
    }

    public int status() {
        return status;
    }

    public String message() {
        return message;
    }

    /** Retry-After for RESPOND, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }

    /** The delay of DELAY, or null. */
    public Duration delay() {
        return delay;
    }

    /** How often the rule fires; -1 for always. */
    /** The gate of a {@link Action#HOLD} rule, else null. */
    public RequestGate gate() {
        return gate;
    }

    public int times() {
        return times;
    }

    @Override
    public String toString() {
        return verb + " " + pathGlob + " → " + action + (action == Action.RESPOND ? " " + status : "")
                + (delay != null ? " " + delay : "") + (times < 0 ? " always" : " ×" + times);
    }
}
