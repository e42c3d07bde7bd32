package io.jenkins.plugins.bluegreen.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.ColorStatus;
import io.jenkins.plugins.bluegreen.core.HistoryEntry;
import io.jenkins.plugins.bluegreen.core.LockInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code status -o json}: a stable document other tools parse, so its field names are spelled out here instead
 * of following core's record components wherever they move. Every key is always present (null when unknown) so
 * a consumer can tell "not under blue-green" from "field missing". Times are ISO-8601 strings.
 */
final class StatusJson {

    private StatusJson() {}

    static String render(AppStatus s) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("app", s.app());
        doc.put("namespace", s.namespace());
        doc.put("service", s.service());
        doc.put("liveColor", label(s.liveColor()));
        doc.put("idleColor", label(s.idleColor()));
        doc.put("previousColor", label(s.previousColor()));
        Map<String, Object> colors = new LinkedHashMap<>();
        for (Color c : Color.values()) {
            colors.put(c.label(), color(s.color(c)));
        }
        doc.put("colors", colors);
        List<Object> history = new ArrayList<>();
        for (HistoryEntry h : s.history()) {
            history.add(history(h));
        }
        doc.put("history", history);
        doc.put("lock", lock(s.lock()));
        doc.put("endpoints", endpoints(s.serving()));
        doc.put("serving", s.serves());
        doc.put("problem", s.serving() == null ? null : s.serving().problem());
        try {
            return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            // Only strings, numbers, lists and maps go in; failing here is a bug, not a user's problem.
            throw new IllegalStateException("cannot render status as JSON", e);
        }
    }

    private static Map<String, Object> color(ColorStatus c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("deployment", c == null ? null : c.deployment());
        m.put("exists", c != null && c.exists());
        m.put("image", c == null ? null : c.image());
        m.put("images", c == null ? List.of() : c.images());
        m.put("replicas", c == null ? 0 : c.replicas());
        m.put("readyReplicas", c == null ? 0 : c.readyReplicas());
        m.put("revision", c == null ? null : c.revision());
        m.put("deployedAt", c == null ? null : Objects.toString(c.deployedAt(), null));
        m.put("scaleDownAt", c == null ? null : Objects.toString(c.scaleDownAt(), null));
        m.put("selectedByService", c != null && c.selectedByService());
        return m;
    }

    private static Map<String, Object> history(HistoryEntry h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", h.action());
        m.put("revision", h.revision());
        m.put("color", label(h.color()));
        m.put("images", h.images());
        m.put("switchedAt", Objects.toString(h.switchedAt(), null));
        m.put("approvedBy", h.approvedBy());
        m.put("buildUrl", h.buildUrl());
        if (h.tested() != null) { // a switch held to an approved revision
            m.put("testedRevision", h.tested().text());
            m.put("podTemplateHash", h.tested().podTemplateHash());
            m.put("imageDigests", h.tested().imageDigests());
        }
        return m;
    }

    private static List<Object> endpoints(io.jenkins.plugins.bluegreen.core.ServingStatus serving) {
        List<Object> pods = new ArrayList<>();
        if (serving != null) {
            for (io.jenkins.plugins.bluegreen.core.EndpointPod p : serving.endpoints()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("pod", p.pod());
                m.put("color", label(p.color()));
                m.put("ready", p.ready());
                pods.add(m);
            }
        }
        return pods;
    }

    private static Map<String, Object> lock(LockInfo l) {
        if (l == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lease", l.leaseName());
        m.put("holder", l.holder());
        m.put("acquiredAt", Objects.toString(l.acquiredAt(), null));
        m.put("renewedAt", Objects.toString(l.renewedAt(), null));
        m.put("expiresAt", Objects.toString(l.expiresAt(), null));
        return m;
    }

    private static String label(Color c) {
        return c == null ? null : c.label();
    }
}
