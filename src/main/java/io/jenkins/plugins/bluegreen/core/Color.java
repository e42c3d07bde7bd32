package io.jenkins.plugins.bluegreen.core;

import java.util.Locale;

/** The two colours an app alternates between. The live colour is always read from the cluster. */
public enum Color {
    BLUE,
    GREEN;

    /** The label value used on Deployments, pods and the Service selector: {@code blue} or {@code green}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public Color other() {
        return this == BLUE ? GREEN : BLUE;
    }

    /**
     * Parses {@code blue}/{@code green} (any case).
     *
     * @throws InvalidInputException naming {@code color} when the text is neither
     */
    public static Color parse(String text) {
        if (text != null) {
            for (Color c : values()) {
                if (c.label().equalsIgnoreCase(text.trim())) {
                    return c;
                }
            }
        }
        throw new InvalidInputException("color", "'" + text + "' is not a colour", "use blue or green");
    }

    @Override
    public String toString() {
        return label();
    }
}
