package io.jenkins.plugins.bluegreen.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The demo's stand-in for Jenkins' {@code input} step: Proceed or Abort, read from stdin (a terminal or a pipe) unless
 * {@code --yes} or {@code --abort} answered already. No answer (stdin at its end) counts as Abort: the safe side of a
 * gate is to leave live traffic alone, and saying so beats hanging.
 */
final class Approval {

    enum Decision {
        PROCEED,
        ABORT
    }

    private final InputStream stdin;
    private final PrintWriter out;

    Approval(InputStream stdin, PrintWriter out) {
        this.stdin = stdin;
        this.out = out;
    }

    Decision decide(String question, boolean yes, boolean abort) throws IOException {
        out.println(question + " [Proceed/Abort]");
        if (yes) {
            out.println("> Proceed (--yes)");
            return Decision.PROCEED;
        }
        if (abort) {
            out.println("> Abort (--abort)");
            return Decision.ABORT;
        }
        // Not closed on purpose: it wraps the process' stdin, which is not ours to close.
        BufferedReader in = new BufferedReader(new InputStreamReader(stdin, StandardCharsets.UTF_8));
        while (true) {
            out.print("> ");
            out.flush();
            String line = in.readLine();
            if (line == null) {
                out.println();
                out.println("no answer (no interactive terminal, or stdin closed): treating it as Abort. "
                        + "Pass --yes to approve or --abort to abort without being asked.");
                return Decision.ABORT;
            }
            // what a person types: the button's word in any case, its first letter, yes/no, with stray punctuation
            switch (line.strip().toLowerCase(Locale.ROOT).replaceAll("[.!\"']", "")) {
                case "p", "proceed", "y", "yes", "ok", "approve" -> {
                    out.println("> Proceed");
                    return Decision.PROCEED;
                }
                case "a", "abort", "n", "no", "cancel" -> {
                    out.println("> Abort");
                    return Decision.ABORT;
                }
                default -> out.println("please answer Proceed or Abort (p/a)");
            }
        }
    }
}
