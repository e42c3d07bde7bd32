package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.ColorStatus;
import io.jenkins.plugins.bluegreen.core.EndpointPod;
import io.jenkins.plugins.bluegreen.core.HistoryEntry;
import io.jenkins.plugins.bluegreen.core.LockInfo;
import io.jenkins.plugins.bluegreen.core.Printable;
import io.jenkins.plugins.bluegreen.core.ServingStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@code status}'s default output: a summary a person reads at a glance. */
final class StatusTable {

    private StatusTable() {}

    static void print(AppStatus s, Instant now, PrintWriter out) {
        out.printf("app        %s (namespace %s, Service %s)%n", s.app(), s.namespace(), s.service());
        if (!s.adopted()) {
            out.println("live       - (not under blue-green yet: the Service has no colour in its selector; "
                    + "the first deploy adopts it)");
        } else {
            out.printf("live       %s%n", s.liveColor());
            out.printf("idle       %s%n", s.idleColor());
        }
        out.printf("previous   %s%n", s.previousColor() == null ? "-" : s.previousColor());
        out.println();
        out.printf("%-8s %-24s %-34s %-8s %-12s %s%n", "COLOUR", "DEPLOYMENT", "IMAGE", "READY", "REVISION", "NOTE");
        for (Color c : Color.values()) {
            ColorStatus cs = s.color(c);
            String marker = c == s.liveColor() ? c.label() + "*" : c.label();
            if (cs == null || !cs.exists()) {
                out.printf(
                        "%-8s %-24s %-34s %-8s %-12s %s%n",
                        marker, cs == null ? "-" : cs.deployment(), "-", "-", "-", "not deployed");
                continue;
            }
            String note = c == s.liveColor() ? "serving" : "idle";
            if (!s.adopted() && cs.selectedByService()) {
                // an adoption cut short: the Service still selects by version, and these pods match it too
                note = "serving beside the old Deployment (adoption unfinished: the Service has no colour key yet; "
                        + "'bluegreen deploy' finishes it)";
            }
            if (cs.scaleDownAt() != null && cs.scaleDownAt().isAfter(now)) {
                note += ", scale-down due " + cs.scaleDownAt();
            } else if (cs.scaleDownAt() != null) {
                // nobody came by to carry it out (a rollback does not wait, a waiting switch was stopped)
                note += ", scale-down OVERDUE since " + cs.scaleDownAt() + ": bluegreen scale-down --app " + s.app();
            }
            out.printf(
                    "%-8s %-24s %-34s %-8s %-12s %s%n",
                    marker,
                    cs.deployment(),
                    nz(cs.image()),
                    cs.readyReplicas() + "/" + cs.replicas(),
                    nz(cs.revision()),
                    note);
        }
        out.println();
        endpoints(s.serving(), out);
        out.println("lock       " + lock(s.lock(), now));
        out.println();
        if (s.history().isEmpty()) {
            out.println("history    (none)");
        } else {
            out.println("history (newest first)");
            for (HistoryEntry h : s.history()) {
                out.printf(
                        "  %s  %-8s -> %-5s revision %s%s%s%s%n",
                        h.switchedAt(),
                        nz(h.action()),
                        h.color(),
                        nz(h.revision()),
                        h.tested() == null
                                ? ""
                                : " (" + Printable.line(h.tested().text()) + ")",
                        h.approvedBy() == null ? "" : ", approved by " + Printable.line(h.approvedBy()),
                        h.buildUrl() == null ? "" : ", " + Printable.line(h.buildUrl()));
            }
        }
        out.flush();
    }

    /** What users reach, from the Service's EndpointSlices; a problem is shouted, not footnoted. */
    private static void endpoints(ServingStatus serving, PrintWriter out) {
        if (serving == null) {
            return;
        }
        Map<String, Long> byColour = new TreeMap<>();
        for (EndpointPod p : serving.endpoints()) {
            String colour = p.color() == null ? "no colour" : p.color().label();
            byColour.merge(colour + (p.ready() ? " ready" : " not ready"), 1L, Long::sum);
        }
        out.printf(
                "endpoints  %s%n",
                byColour.isEmpty()
                        ? "none"
                        : byColour.entrySet().stream()
                                .map(e -> e.getValue() + " " + e.getKey())
                                .collect(Collectors.joining(", ")));
        for (EndpointPod p : serving.endpoints()) {
            out.printf(
                    "  %-40s %-9s %s%n",
                    p.pod(), p.color() == null ? "-" : p.color().label(), p.ready() ? "ready" : "not ready");
        }
        if (!serving.ok()) {
            out.println("!! NOT SERVING: " + serving.problem());
        }
        out.println();
    }

    private static String lock(LockInfo l, Instant now) {
        if (l == null || !l.isHeldAt(now)) {
            return "free";
        }
        return "held by " + Printable.line(l.holder()) + " (Lease " + l.leaseName() + ", expires " + l.expiresAt()
                + ")";
    }

    /** Also the one place free text from the cluster is made printable on its line. */
    private static String nz(String s) {
        return s == null || s.isEmpty() ? "-" : Printable.line(s);
    }
}
