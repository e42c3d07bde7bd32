package io.jenkins.plugins.bluegreen.core;

/**
 * Text read from the cluster (history entries, Lease holders, images) is data someone may have written with kubectl.
 * Before it is printed on one line of a console, control and format characters are shown as escapes, so a line break
 * or a terminal escape sequence in it can never forge a line of output.
 */
public final class Printable {
    private Printable() {}

    /** {@code s} with every control or format character escaped ({@code \n}, {@code \e}, {@code \u202e}); null stays null. */
    public static String line(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean unsafe = Character.isISOControl(c) || Character.getType(c) == Character.FORMAT;
            if (unsafe && out == null) {
                out = new StringBuilder(s.length() + 8).append(s, 0, i);
            }
            if (out != null) {
                if (!unsafe) {
                    out.append(c);
                } else {
                    out.append(
                            switch (c) {
                                case '\n' -> "\\n";
                                case '\r' -> "\\r";
                                case '\t' -> "\\t";
                                case '\u001b' -> "\\e";
                                default -> String.format("\\u%04x", (int) c);
                            });
                }
            }
        }
        return out == null ? s : out.toString();
    }
}
