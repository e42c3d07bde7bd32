package io.jenkins.plugins.bluegreen.bench;

import java.util.Map;
import java.util.TreeMap;

/** Makes kube-sim's request counters readable: {@code "get /apis/apps/v1/namespaces/ns/deployments/x"} → "get deployments/x". */
final class Requests {
    private Requests() {}

    static Map<String, Long> byVerbAndKind(Map<String, Long> snapshot, String namespace) {
        Map<String, Long> out = new TreeMap<>();
        snapshot.forEach((key, count) -> out.merge(shorten(key, namespace), count, Long::sum));
        return out;
    }

    static String shorten(String key, String namespace) {
        int space = key.indexOf(' ');
        String verb = key.substring(0, space);
        String path = key.substring(space + 1);
        String marker = "/namespaces/" + namespace + "/";
        int at = path.indexOf(marker);
        String rest = at >= 0 ? path.substring(at + marker.length()) : path;
        return verb + " " + rest;
    }

    static String describe(Map<String, Long> breakdown) {
        StringBuilder out = new StringBuilder();
        breakdown.forEach((key, count) ->
                out.append(out.length() == 0 ? "" : ", ").append(key).append(count > 1 ? " ×" + count : ""));
        return out.toString();
    }
}
