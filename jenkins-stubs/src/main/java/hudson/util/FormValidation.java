package hudson.util;

import java.io.IOException;

// Carries kind and message so offline tests can check validators; HTML rendering is the world's.
public abstract class FormValidation extends IOException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        OK, WARNING, ERROR
    }

    public final Kind kind;

    private FormValidation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static FormValidation error(String message) {
        return new Plain(Kind.ERROR, message);
    }

    public static FormValidation warning(String message) {
        return new Plain(Kind.WARNING, message);
    }

    public static FormValidation ok(String message) {
        return new Plain(Kind.OK, message);
    }

    public static FormValidation ok() {
        return new Plain(Kind.OK, null);
    }

    public static FormValidation error(String format, Object... args) {
        return error(String.format(format, args));
    }

    public static FormValidation warning(String format, Object... args) {
        return warning(String.format(format, args));
    }

    public static FormValidation ok(String format, Object... args) {
        return ok(String.format(format, args));
    }

    public abstract String renderHtml();

    private static final class Plain extends FormValidation {
        private static final long serialVersionUID = 1L;

        Plain(Kind kind, String message) {
            super(kind, message);
        }

        @Override
        public String renderHtml() {
            throw new UnsupportedOperationException("stub");
        }
    }
}
