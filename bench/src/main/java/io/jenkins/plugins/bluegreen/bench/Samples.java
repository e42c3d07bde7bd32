package io.jenkins.plugins.bluegreen.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Repeated measurements of one figure (milliseconds, requests, bytes...) and their order statistics.
 * Percentiles are nearest-rank: the smallest sample with at least p% of the samples at or below it. Nearest-rank
 * never invents a value between two samples, so p99 of 50 samples is honestly the maximum.
 */
final class Samples {
    private final List<Double> values = new ArrayList<>();

    void add(double value) {
        values.add(value);
    }

    int count() {
        return values.size();
    }

    boolean isEmpty() {
        return values.isEmpty();
    }

    /** The nearest-rank percentile, {@code 0 < p <= 100}; NaN when there are no samples. */
    double percentile(double p) {
        if (!(p > 0 && p <= 100)) {
            throw new IllegalArgumentException("percentile must be in (0, 100]: " + p);
        }
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = sorted();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(rank, 1) - 1];
    }

    double median() {
        return percentile(50);
    }

    double min() {
        return values.isEmpty() ? Double.NaN : sorted()[0];
    }

    double max() {
        return values.isEmpty() ? Double.NaN : sorted()[values.size() - 1];
    }

    double mean() {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    private double[] sorted() {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(sorted);
        return sorted;
    }
}
