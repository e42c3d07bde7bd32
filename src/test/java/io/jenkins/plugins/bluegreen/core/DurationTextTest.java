package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

    @Test
    void acceptsUnitsAndSums() {
        assertThat(DurationText.parse("timeout", "90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(DurationText.parse("timeout", "5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(DurationText.parse("timeout", "1h")).isEqualTo(Duration.ofHours(1));
        assertThat(DurationText.parse("timeout", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(DurationText.parse("timeout", "1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(DurationText.parse("timeout", " 2M ")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void bareZeroIsZeroButOtherBareNumbersAreRefused() {
        assertThat(DurationText.parse("scaleDownDelay", "0")).isZero();
        assertThat(DurationText.parse("scaleDownDelay", "000")).isZero();
        assertThatThrownBy(() -> DurationText.parse("scaleDownDelay", "30"))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("'30' has no unit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  ", "5", "-5m", "-0", "5x", "m", "5 m", "1.5h", "PT5M"})
    void refusesAnythingElseNamingTheFieldAndTheFix(String text) {
        assertThatThrownBy(() -> DurationText.parse("lockWait", text))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("lockWait");
                    assertThat(e.fix()).isEqualTo(DurationText.EXAMPLES);
                    assertThat(e.getMessage()).startsWith("lockWait: ").contains("e.g. 500ms, 90s, 5m or 1h");
                });
    }

    /** Past the cap a duration would overflow later, after writes; the fix names the cap, not the syntax. */
    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999h", "9223372036854775807s", "721h", "43201m"})
    void refusesDurationsOverTheCap(String text) {
        assertThatThrownBy(() -> DurationText.parse("lockWait", text))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("lockWait");
                    assertThat(e.problem()).isEqualTo("'" + text + "' is too large (max 720h)");
                    assertThat(e.fix()).isEqualTo("use at most 720h (30 days)");
                });
        assertThat(DurationText.parse("lockWait", "720h")).isEqualTo(DurationText.MAX);
    }

    @Test
    void nullIsAnEmptyDuration() {
        assertThatThrownBy(() -> DurationText.parse("timeout", null))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.problem())
                        .isEqualTo("empty duration"));
    }

    @Test
    void positiveRefusesZeroNamingTheField() {
        assertThat(DurationText.parsePositive("timeout", "1s")).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> DurationText.parsePositive("timeout", "0ms"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> {
                    assertThat(e.field()).isEqualTo("timeout");
                    assertThat(e.problem()).isEqualTo("must be greater than zero");
                });
    }

    @Test
    void formatsForMessages() {
        assertThat(DurationText.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(DurationText.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(DurationText.format(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(DurationText.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(DurationText.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(DurationText.format(Duration.ZERO)).isEqualTo("0s");
    }

    /**
     * Why the grammar is not handed to fabric8's Go-style {@code Duration.parse} (on the class path): it skips what it
     * cannot read, so each of these would become some other duration instead of an error.
     */
    @ParameterizedTest
    @ValueSource(strings = {"1h!", "x1h", "1h30", "1.5h", "-5m", "5 m", "1h 30m"})
    void textALaxParserWouldMisreadIsRefused(String text) {
        assertThatThrownBy(() -> DurationText.parse("timeout", text)).isInstanceOf(InvalidInputException.class);
    }
}
