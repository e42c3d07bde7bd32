package io.jenkins.plugins.bluegreen.bench;

import java.util.Locale;

/** Number formatting shared by the tables. */
final class Format {
    private Format() {}

    static String ms(double millis) {
        if (Double.isNaN(millis)) {
            return "n/a";
        }
        if (millis >= 100) {
            return String.format(Locale.ROOT, "%.0f ms", millis);
        }
        if (millis >= 10) {
            return String.format(Locale.ROOT, "%.1f ms", millis);
        }
        return String.format(Locale.ROOT, "%.2f ms", millis);
    }

    static String number(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value == Math.rint(value)
                ? String.format(Locale.ROOT, "%.0f", value)
                : String.format(Locale.ROOT, "%.1f", value);
    }

    static String kib(double bytes) {
        return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }

    static String ratio(double ratio) {
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "n/a" : String.format(Locale.ROOT, "%.1f×", ratio);
    }

    static String verdict(boolean met) {
        return met ? "met" : "MISSED";
    }
}
