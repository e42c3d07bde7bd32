package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.HealthSummary;
import io.jenkins.plugins.bluegreen.core.Release;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * What the steps return to Groovy: LinkedHashMap, ArrayList, String, Integer and Boolean only, so the values are
 * serializable with the build and usable in the script-security sandbox without approvals ({@code r.newColor}).
 */
final class Results {

    private Results() {}

    /** blueGreenDeploy's map; {@code healthy} and {@code switched} as far as the step got. */
    static LinkedHashMap<String, Object> release(Release r, boolean healthy, boolean switched) {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        map.put("app", r.app());
        map.put("namespace", r.namespace());
        map.put("service", r.service());
        map.put("liveColor", label(r.liveColor()));
        map.put("newColor", label(r.newColor()));
        map.put("deployment", r.deployment());
        map.put("images", strings(r.images()));
        map.put("revision", r.revision());
        map.put("replicas", Integer.valueOf(r.replicas()));
        map.put("healthy", Boolean.valueOf(healthy));
        map.put("switched", Boolean.valueOf(switched));
        map.put("testedRevision", null); // known once healthy: tested(map, summary)
        map.put("imageDigests", new ArrayList<String>());
        return map;
    }

    /**
     * Puts what the healthy pods run into a result map: {@code testedRevision}, the text a person approves and
     * {@code switchTraffic(expectRevision: ...)} takes, and its {@code imageDigests}.
     */
    static void tested(LinkedHashMap<String, Object> map, HealthSummary h) {
        map.put("testedRevision", h.tested() == null ? null : h.tested().text());
        map.put("imageDigests", strings(h.tested() == null ? null : h.tested().imageDigests()));
    }

    /** awaitHealthy's map: a healthy colour has all its desired replicas ready. */
    static LinkedHashMap<String, Object> health(HealthSummary h) {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        map.put("app", h.app());
        map.put("color", label(h.color()));
        map.put("deployment", h.deployment());
        map.put("ready", Integer.valueOf(h.replicas()));
        map.put("desired", Integer.valueOf(h.replicas()));
        map.put("images", strings(h.images()));
        map.put("healthy", Boolean.TRUE);
        tested(map, h);
        return map;
    }

    static String label(Color c) {
        return c == null ? null : c.label();
    }

    private static ArrayList<String> strings(List<String> values) {
        return values == null ? new ArrayList<>() : new ArrayList<>(values);
    }
}
