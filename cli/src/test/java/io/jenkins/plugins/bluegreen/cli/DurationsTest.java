package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class DurationsTest {

    private final Durations.NonNegative nonNegative = new Durations.NonNegative();
    private final Durations.Positive positive = new Durations.Positive();

    @Test
    void acceptsTheContractsUnits() {
        assertThat(nonNegative.convert("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(nonNegative.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(nonNegative.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(nonNegative.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(nonNegative.convert("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(nonNegative.convert(" 2M ")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void zeroIsAllowedWhereItMeansSomethingButNotForTimeouts() {
        assertThat(nonNegative.convert("0")).isZero();
        assertThat(nonNegative.convert("0s")).isZero();
        assertThatThrownBy(() -> positive.convert("0"))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("greater than zero");
        assertThatThrownBy(() -> positive.convert("0ms")).isInstanceOf(TypeConversionException.class);
        assertThat(positive.convert("1s")).isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "5", "-5m", "-0", "5x", "m", "5 m", "1.5h", "PT5M"})
    void rejectsAnythingElseWithAHint(String text) {
        rejected(text);
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999h", "9223372036854775807s", "721h"})
    void rejectsDurationsOverTheCapNamingIt(String text) {
        assertThatThrownBy(() -> nonNegative.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + text + "' is too large (max 720h); use at most 720h (30 days)");
        assertThatThrownBy(() -> positive.convert(text)).isInstanceOf(TypeConversionException.class);
    }

    private void rejected(String text) {
        assertThatThrownBy(() -> nonNegative.convert(text))
                .isInstanceOf(TypeConversionException.class)
                .hasMessageContaining("e.g. 500ms, 90s, 5m or 1h");
        assertThatThrownBy(() -> positive.convert(text)).isInstanceOf(TypeConversionException.class);
    }

    @Test
    void formatsForMessages() {
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(Durations.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(Durations.format(Duration.ofMillis(29_970))).isEqualTo("30.0s");
        assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    }
}
