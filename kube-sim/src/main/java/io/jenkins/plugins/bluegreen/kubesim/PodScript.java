package io.jenkins.plugins.bluegreen.kubesim;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How the simulated kubelet treats a pod: normally (Ready after the sim's ready delay) or with a
 * scripted failure. Immutable value; its names ({@code never-ready}, {@code crash-loop},
 * {@code slow:5s}, ...) are what the annotation {@value PodScripts#ANNOTATION} accepts, and what each
 * makes clients see is in kube-sim/README.md, "Pod scripts".
 */
public final class PodScript {

    /** What the script makes the pod do. */
    public enum Behaviour {
        NORMAL,
        NEVER_READY,
        CRASH_LOOP,
        IMAGE_PULL_ERROR,
        CREATE_CONFIG_ERROR,
        UNSCHEDULABLE,
        QUOTA,
        SLOW,
        PROGRESS_DEADLINE,
        FLAPPING,
        CRASH_AFTER
    }

    public static final PodScript NORMAL = new PodScript(Behaviour.NORMAL, null);
    public static final PodScript NEVER_READY = new PodScript(Behaviour.NEVER_READY, null);
    public static final PodScript CRASH_LOOP = new PodScript(Behaviour.CRASH_LOOP, null);
    public static final PodScript IMAGE_PULL_ERROR = new PodScript(Behaviour.IMAGE_PULL_ERROR, null);
    public static final PodScript CREATE_CONFIG_ERROR = new PodScript(Behaviour.CREATE_CONFIG_ERROR, null);
    public static final PodScript UNSCHEDULABLE = new PodScript(Behaviour.UNSCHEDULABLE, null);
    public static final PodScript QUOTA = new PodScript(Behaviour.QUOTA, null);
    public static final PodScript PROGRESS_DEADLINE = new PodScript(Behaviour.PROGRESS_DEADLINE, null);
    /** Flapping with the default period (the sim's ready delay, at least 200 ms). */
    public static final PodScript FLAPPING = new PodScript(Behaviour.FLAPPING, null);

    private final Behaviour behaviour;
    private final Duration duration;

    private PodScript(Behaviour behaviour, Duration duration) {
        this.behaviour = behaviour;
        this.duration = duration;
    }

    /** Ready after the ready delay plus {@code extra}. */
    public static PodScript slow(Duration extra) {
        return new PodScript(Behaviour.SLOW, Objects.requireNonNull(extra));
    }

    /** Ready, then toggling readiness every {@code period}. */
    public static PodScript flapping(Duration period) {
        return new PodScript(Behaviour.FLAPPING, Objects.requireNonNull(period));
    }

    /** Ready, then crash-looping from {@code after} later on. */
    public static PodScript crashAfter(Duration after) {
        return new PodScript(Behaviour.CRASH_AFTER, Objects.requireNonNull(after));
    }

    /**
     * Parses a script name such as {@code crash-loop} or {@code slow:5s}.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static PodScript parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        String name = t.contains(":") ? t.substring(0, t.indexOf(':')) : t;
        String arg = t.contains(":") ? t.substring(t.indexOf(':') + 1) : null;
        return switch (name) {
            case "normal" -> NORMAL;
            case "never-ready" -> NEVER_READY;
            case "crash-loop" -> CRASH_LOOP;
            case "image-pull-error" -> IMAGE_PULL_ERROR;
            case "create-config-error" -> CREATE_CONFIG_ERROR;
            case "unschedulable" -> UNSCHEDULABLE;
            case "quota" -> QUOTA;
            case "progress-deadline" -> PROGRESS_DEADLINE;
            case "slow" -> slow(arg == null ? Duration.ofSeconds(5) : parseDuration(arg));
            case "flapping" -> arg == null ? FLAPPING : flapping(parseDuration(arg));
            case "crash-after" -> crashAfter(arg == null ? Duration.ofSeconds(5) : parseDuration(arg));
            default ->
                throw new IllegalArgumentException("unknown kube-sim pod script '" + text
                        + "'; known: normal, never-ready, crash-loop, image-pull-error, create-config-error, unschedulable,"
                        + " quota, slow:<duration>, progress-deadline, flapping[:<duration>], crash-after:<duration>");
        };
    }

    /** Parses {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}. */
    static Duration parseDuration(String text) {
        String t = text.trim();
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new IllegalArgumentException("bad duration '" + text + "': use 500ms, 5s, 2m or 1h");
        };
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    /**
     * The extra delay of {@code slow}, the period of {@code flapping}, the time Ready of {@code crash-after}; null if
     * not given.
     */
    public Duration duration() {
        return duration;
    }

    /** The script's name as the annotation would spell it. */
    public String name() {
        String base = behaviour.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return duration == null ? base : base + ":" + duration.toMillis() + "ms";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PodScript p && p.behaviour == behaviour && Objects.equals(p.duration, duration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(behaviour, duration);
    }

    @Override
    public String toString() {
        return name();
    }
}
