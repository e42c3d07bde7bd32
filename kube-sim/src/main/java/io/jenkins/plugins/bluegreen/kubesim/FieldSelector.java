package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A list's {@code fieldSelector}: comma-separated {@code path=value}, {@code path==value} or
 * {@code path!=value} terms over dotted JSON paths, all of which must hold. The store only knows
 * {@code metadata.*}; kubectl describe selects events by {@code involvedObject.name} and friends.
 */
record FieldSelector(List<Term> terms) {

    record Term(String[] path, String value, boolean equal) {
        boolean matches(JsonNode object) {
            JsonNode n = object;
            for (String p : path) {
                n = n.path(p);
            }
            String actual = n.isValueNode() ? n.asText() : "";
            return equal == actual.equals(value);
        }
    }

    static FieldSelector parse(String selector) {
        List<Term> terms = new ArrayList<>();
        if (selector != null) {
            for (String part : selector.split(",")) {
                String t = part.trim();
                if (t.isEmpty()) {
                    continue;
                }
                int neq = t.indexOf("!=");
                int eq = t.indexOf('=');
                if (neq >= 0) {
                    terms.add(new Term(
                            t.substring(0, neq).trim().split("\\."),
                            t.substring(neq + 2).trim(),
                            false));
                } else if (eq >= 0) {
                    String value = t.substring(eq + 1).startsWith("=") ? t.substring(eq + 2) : t.substring(eq + 1);
                    terms.add(new Term(t.substring(0, eq).trim().split("\\."), value.trim(), true));
                }
            }
        }
        return new FieldSelector(List.copyOf(terms));
    }

    boolean isEmpty() {
        return terms.isEmpty();
    }

    boolean matches(JsonNode object) {
        return terms.stream().allMatch(t -> t.matches(object));
    }
}
