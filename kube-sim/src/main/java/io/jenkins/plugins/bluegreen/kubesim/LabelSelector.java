package io.jenkins.plugins.bluegreen.kubesim;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A parsed label selector string ({@code a=b,c!=d,e,!f,g in (x,y),h notin (z)}). The CRUD
 * store ignores set-based requirements, so kube-sim applies this to watches and re-filters lists.
 */
final class LabelSelector {

    private record Requirement(String key, String op, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            // immutable sets throw on contains(null): a missing label is simply not a match
            return switch (op) {
                case "=" -> v != null && values.contains(v);
                case "!=" -> v == null || !values.contains(v);
                case "exists" -> labels.containsKey(key);
                case "!exists" -> !labels.containsKey(key);
                case "in" -> v != null && values.contains(v);
                case "notin" -> v == null || !values.contains(v);
                default -> false;
            };
        }
    }

    private final List<Requirement> requirements;

    private LabelSelector(List<Requirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    static LabelSelector everything() {
        return new LabelSelector(List.of());
    }

    static LabelSelector parse(String selector) {
        if (selector == null || selector.isBlank()) {
            return everything();
        }
        List<Requirement> reqs = new ArrayList<>();
        for (String part : splitTopLevel(selector)) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int paren = p.indexOf('(');
            if (paren > 0) {
                String head = p.substring(0, paren).trim();
                String[] words = head.split("\\s+");
                Set<String> values = Set.copyOf(
                        List.of(p.substring(paren + 1, p.lastIndexOf(')')).split("\\s*,\\s*")).stream()
                                .map(String::trim)
                                .filter(x -> !x.isEmpty())
                                .toList());
                reqs.add(new Requirement(words[0], words[1].toLowerCase(), values));
            } else if (p.contains("!=")) {
                String[] kv = p.split("!=", 2);
                reqs.add(new Requirement(kv[0].trim(), "!=", Set.of(kv[1].trim())));
            } else if (p.contains("==")) {
                String[] kv = p.split("==", 2);
                reqs.add(new Requirement(kv[0].trim(), "=", Set.of(kv[1].trim())));
            } else if (p.contains("=")) {
                String[] kv = p.split("=", 2);
                reqs.add(new Requirement(kv[0].trim(), "=", Set.of(kv[1].trim())));
            } else if (p.startsWith("!")) {
                reqs.add(new Requirement(p.substring(1).trim(), "!exists", Set.of()));
            } else {
                reqs.add(new Requirement(p, "exists", Set.of()));
            }
        }
        return new LabelSelector(reqs);
    }

    /** A selector from a Service or Deployment matchLabels map. */
    static LabelSelector of(Map<String, String> matchLabels) {
        List<Requirement> reqs = new ArrayList<>();
        matchLabels.forEach((k, v) -> reqs.add(new Requirement(k, "=", Set.of(v))));
        return new LabelSelector(reqs);
    }

    boolean isSetBased() {
        return requirements.stream().anyMatch(r -> r.op().equals("in") || r.op().equals("notin"));
    }

    boolean matches(Map<String, String> labels) {
        Map<String, String> l = labels == null ? Map.of() : labels;
        return requirements.stream().allMatch(r -> r.matches(l));
    }

    // commas inside "in (a,b)" do not separate requirements
    private static List<String> splitTopLevel(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        StringBuilder cur = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 0) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        parts.add(cur.toString());
        return parts;
    }
}
