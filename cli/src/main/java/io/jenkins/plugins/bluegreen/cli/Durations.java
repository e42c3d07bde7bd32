package io.jenkins.plugins.bluegreen.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Parses the durations the CLI contract accepts: {@code 500ms}, {@code 90s}, {@code 5m}, {@code 1h}, and
 * sums of them such as {@code 1h30m}. A bare {@code 0} is allowed because "0 = keep" is meaningful for
 * {@code --scale-down-delay}; any other bare number is rejected because nobody can tell whether it meant
 * seconds or minutes.
 *
 * <p>The converters throw {@link TypeConversionException}, which picocli reports as
 * {@code Invalid value for option '--timeout': ...}, so every message names the option without this
 * class having to know it.
 */
final class Durations {

    private static final Pattern TERM = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final String EXAMPLES = "use a number with a unit, e.g. 500ms, 90s, 5m or 1h";

    private Durations() {}

    static Duration parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(java.util.Locale.ROOT);
        if (value.isEmpty()) {
            throw new TypeConversionException("empty duration; " + EXAMPLES);
        }
        if (value.startsWith("-")) {
            throw new TypeConversionException("'" + text + "' is negative; " + EXAMPLES);
        }
        if (value.chars().allMatch(Character::isDigit)) {
            if (value.chars().allMatch(c -> c == '0')) {
                return Duration.ZERO;
            }
            throw new TypeConversionException("'" + text + "' has no unit; " + EXAMPLES);
        }
        Matcher m = TERM.matcher(value);
        Duration total = Duration.ZERO;
        int end = 0;
        try {
            while (m.lookingAt()) {
                total = total.plus(term(Long.parseLong(m.group(1)), m.group(2)));
                end = m.end();
                m.region(end, value.length());
            }
        } catch (ArithmeticException | NumberFormatException e) {
            throw new TypeConversionException("'" + text + "' is too large; " + EXAMPLES);
        }
        if (end != value.length()) {
            throw new TypeConversionException("'" + text + "' is not a duration; " + EXAMPLES);
        }
        return total;
    }

    private static Duration term(long amount, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> throw new IllegalStateException("pattern admits only ms|s|m|h, got " + unit);
        };
    }

    /** Human form for messages: whole units where they fit ({@code 90s}, {@code 5m}), else tenths of seconds. */
    static String format(Duration d) {
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
        return String.format(java.util.Locale.ROOT, "%.1fs", ms / 1000.0);
    }

    /** Zero or more; for delays where 0 has a meaning (e.g. keep the old colour). */
    static final class NonNegative implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            return parse(value);
        }
    }

    /** Strictly positive; for timeouts, where 0 would fail before anything could happen. */
    static final class Positive implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Duration d = parse(value);
            if (d.isZero()) {
                throw new TypeConversionException("must be greater than zero; " + EXAMPLES);
            }
            return d;
        }
    }
}
