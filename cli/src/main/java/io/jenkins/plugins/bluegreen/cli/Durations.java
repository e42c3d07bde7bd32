package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.DurationText;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli's view of core's {@link DurationText} (the syntax is shared with the Jenkins steps).
 *
 * <p>The converters throw {@link TypeConversionException}, which picocli reports as
 * {@code Invalid value for option '--timeout': ...}, so every message names the option without this
 * class having to know it; core's field name is therefore left out and only its problem and fix are kept.
 */
final class Durations {

    /** picocli names the option itself; this placeholder never reaches the user. */
    private static final String FIELD = "duration";

    private Durations() {}

    static Duration parse(String text) {
        return convert(() -> DurationText.parse(FIELD, text));
    }

    /** Human form for messages: whole units where they fit ({@code 90s}, {@code 5m}), else tenths of seconds. */
    static String format(Duration d) {
        return DurationText.format(d);
    }

    private static Duration convert(java.util.function.Supplier<Duration> parse) {
        try {
            return parse.get();
        } catch (InvalidInputException e) {
            throw new TypeConversionException(e.problem() + "; " + e.fix());
        }
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
            return Durations.convert(() -> DurationText.parsePositive(FIELD, value));
        }
    }
}
