package hudson.util;

import java.io.Serializable;

// Holds the plain value (the real one encrypts it at rest). toString() returns it, as the real
// (deprecated) one does, so an offline test catches a secret that reaches a log through it.
public final class Secret implements Serializable {

    private static final long serialVersionUID = 1L;

    private final String value;

    private Secret(String value) {
        this.value = value;
    }

    @Override
    @Deprecated
    public String toString() {
        return value;
    }

    public String getPlainText() {
        return value;
    }

    @Override
    public boolean equals(Object that) {
        return that instanceof Secret other && value.equals(other.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    public static Secret fromString(String data) {
        return new Secret(data == null ? "" : data);
    }

    public static String toString(Secret s) {
        return s == null ? "" : s.getPlainText();
    }
}
