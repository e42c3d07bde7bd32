package io.jenkins.plugins.bluegreen.bench;

import java.util.ArrayList;
import java.util.List;

/** A titled table with notes, rendered as Markdown (readable on a terminal too). */
final class Table {
    private final String title;
    private final List<String> headers;
    private final List<List<String>> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Table(String title, String... headers) {
        this.title = title;
        this.headers = List.of(headers);
    }

    Table row(Object... cells) {
        if (cells.length != headers.size()) {
            throw new IllegalArgumentException(
                    title + ": " + cells.length + " cells for " + headers.size() + " columns");
        }
        List<String> row = new ArrayList<>();
        for (Object cell : cells) {
            row.add(String.valueOf(cell).replace("|", "\\|"));
        }
        rows.add(row);
        return this;
    }

    Table note(String note) {
        notes.add(note);
        return this;
    }

    String title() {
        return title;
    }

    List<List<String>> rows() {
        return List.copyOf(rows);
    }

    String markdown() {
        int[] widths = new int[headers.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = Math.max(3, headers.get(i).length());
            for (List<String> row : rows) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder out = new StringBuilder("### ").append(title).append("\n\n");
        line(out, headers, widths);
        out.append('|');
        for (int width : widths) {
            out.append('-').append("-".repeat(width)).append("-|");
        }
        out.append('\n');
        for (List<String> row : rows) {
            line(out, row, widths);
        }
        if (!notes.isEmpty()) {
            out.append('\n');
            for (String note : notes) {
                out.append("- ").append(note).append('\n');
            }
        }
        return out.append('\n').toString();
    }

    private static void line(StringBuilder out, List<String> cells, int[] widths) {
        out.append('|');
        for (int i = 0; i < widths.length; i++) {
            out.append(' ')
                    .append(cells.get(i))
                    .append(" ".repeat(widths[i] - cells.get(i).length()))
                    .append(" |");
        }
        out.append('\n');
    }
}
