package hudson.util;

import java.io.IOException;

// Carries kind and message so offline tests can check validators. As in Jenkins, the message of
// error/warning/ok(String) is the HTML-escaped text, so a test's expectation holds in both builds.
public abstract class FormValidation extends IOException {

    private static final long serialVersionUID = 1L;

    public enum Kind {
        OK,
        WARNING,
        ERROR
    }

    public final Kind kind;

    private FormValidation(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static FormValidation error(String message) {
        return new Plain(Kind.ERROR, html(message));
    }

    public static FormValidation warning(String message) {
        return new Plain(Kind.WARNING, html(message));
    }

    public static FormValidation ok(String message) {
        return new Plain(Kind.OK, html(message));
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

    private static String html(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\n' -> out.append("<br>");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#039;");
                // runs of spaces survive in HTML: all but the last become non-breaking
                case ' ' -> out.append(i + 1 < text.length() && text.charAt(i + 1) == ' ' ? "&nbsp;" : " ");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

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
