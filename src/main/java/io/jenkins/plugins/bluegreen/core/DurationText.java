package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The duration syntax every front end accepts: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h} and sums such
 * as {@code 1h30m}. A bare {@code 0} is allowed because "0 = keep the old colour" is meaningful for a scale-down
 * delay; any other bare number is refused because nobody can tell whether it meant seconds or minutes.
 *
 * <p>Lives in core so that the CLI and the Jenkins steps read durations identically. Errors are
 * {@link InvalidInputException}s naming the caller's field (an option, a step parameter), with {@link #EXAMPLES}
 * as the fix. The units' arithmetic is {@link ChronoUnit}'s; no parser on the class path reads this grammar
 * strictly (docs/architecture.md, "Durations").
 */
public final class DurationText {

    /** The fix offered with every refused duration. */
    public static final String EXAMPLES = "use a number with a unit, e.g. 500ms, 90s, 5m or 1h";

    /**
     * The longest duration any option takes (a health wait, a lock wait, a rollback window). Far beyond what a release
     * needs, and far from where adding it to a clock or counting it in milliseconds overflows.
     */
    public static final Duration MAX = Duration.ofDays(30);

    /** The fix offered with a duration over {@link #MAX}. */
    public static final String MAX_FIX = "use at most " + format(MAX) + " (30 days)";

    private static final Pattern TERM = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final Map<String, ChronoUnit> UNITS =
            Map.of("ms", ChronoUnit.MILLIS, "s", ChronoUnit.SECONDS, "m", ChronoUnit.MINUTES, "h", ChronoUnit.HOURS);

    private DurationText() {}

    /**
     * Parses a duration of zero or more.
     *
     * @param field the name the user knows the value by, used in the error (e.g. {@code lockWait})
     * @throws InvalidInputException naming {@code field} when the text is empty, negative, unitless or not a duration
     */
    public static Duration parse(String field, String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (value.isEmpty()) {
            throw invalid(field, "empty duration");
        }
        if (value.startsWith("-")) {
            throw invalid(field, "'" + text + "' is negative");
        }
        if (value.chars().allMatch(Character::isDigit)) {
            if (value.chars().allMatch(c -> c == '0')) {
                return Duration.ZERO;
            }
            throw invalid(field, "'" + text + "' has no unit");
        }
        Matcher m = TERM.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        try {
            while (m.lookingAt()) {
                total = total.plus(Duration.of(Long.parseLong(m.group(1)), UNITS.get(m.group(2))));
                end = m.end();
                m.region(end, value.length());
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw tooLarge(field, text);
        }
        if (end != value.length()) {
            throw invalid(field, "'" + text + "' is not a duration");
        }
        if (total.compareTo(MAX) > 0) {
            throw tooLarge(field, text);
        }
        return total;
    }

    /**
     * Parses a strictly positive duration, for timeouts, where zero would fail before anything could happen.
     *
     * @throws InvalidInputException naming {@code field}, as {@link #parse}, and also for zero
     */
    public static Duration parsePositive(String field, String text) {
        Duration d = parse(field, text);
        if (d.isZero()) {
            throw invalid(field, "must be greater than zero");
        }
        return d;
    }

    /** Human form for messages: whole units where they fit ({@code 90s}, {@code 5m}), else tenths of seconds. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms > 0 && ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms > 0 && ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        if (ms < 1000) {
            return ms + "ms";
        }
        return String.format(Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    /** The one wording for a duration over {@link #MAX}, whether it came as text or through an API. */
    static InvalidInputException tooLarge(String field, Object given) {
        return new InvalidInputException(field, "'" + given + "' is too large (max " + format(MAX) + ")", MAX_FIX);
    }

    private static InvalidInputException invalid(String field, String problem) {
        return new InvalidInputException(field, problem, EXAMPLES);
    }
}
