package io.jenkins.plugins.bluegreen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SamplesTest {
    private static Samples of(double... values) {
        Samples samples = new Samples();
        for (double v : values) {
            samples.add(v);
        }
        return samples;
    }

    @Test
    void percentilesAreNearestRankAndNeverInterpolated() {
        Samples hundred = new Samples();
        for (int i = 100; i >= 1; i--) {
            hundred.add(i); // out of order on purpose
        }
        assertThat(hundred.median()).isEqualTo(50);
        assertThat(hundred.percentile(95)).isEqualTo(95);
        assertThat(hundred.percentile(99)).isEqualTo(99);
        assertThat(hundred.percentile(100)).isEqualTo(100);
        assertThat(hundred.min()).isEqualTo(1);
        assertThat(hundred.max()).isEqualTo(100);
    }

    @Test
    void withFewSamplesTheHighPercentilesAreTheMaximum() {
        Samples samples = of(3, 1, 2, 10);
        assertThat(samples.median()).isEqualTo(2);
        assertThat(samples.percentile(95)).isEqualTo(10);
        assertThat(samples.percentile(99)).isEqualTo(10);
        assertThat(samples.mean()).isEqualTo(4);
    }

    @Test
    void oneSampleIsEveryPercentileAndNoneIsNaN() {
        assertThat(of(7).percentile(1)).isEqualTo(7);
        assertThat(of(7).percentile(99)).isEqualTo(7);
        assertThat(new Samples().median()).isNaN();
    }

    @Test
    void aPercentileOutsideItsRangeIsRefused() {
        assertThatThrownBy(() -> of(1).percentile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> of(1).percentile(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
