package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.ColorStatus;
import io.jenkins.plugins.bluegreen.core.HistoryEntry;
import io.jenkins.plugins.bluegreen.core.LockInfo;
import java.io.PrintWriter;
import java.time.Instant;

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
                out.printf("%-8s %-24s %-34s %-8s %-12s %s%n", marker, cs == null ? "-" : cs.deployment(), "-", "-",
                        "-", "not deployed");
                continue;
            }
            String note = c == s.liveColor() ? "serving" : "idle";
            if (!s.adopted() && cs.selectedByService()) {
                // an adoption cut short: the Service still selects by version, and these pods match it too
                note = "serving beside the old Deployment (adoption unfinished: the Service has no colour key yet; "
                        + "'bluegreen deploy' finishes it)";
            }
            if (cs.scaleDownAt() != null) {
                note += ", scale-down due " + cs.scaleDownAt();
            }
            out.printf("%-8s %-24s %-34s %-8s %-12s %s%n", marker, cs.deployment(), nz(cs.image()),
                    cs.readyReplicas() + "/" + cs.replicas(), nz(cs.revision()), note);
        }
        out.println();
        out.println("lock       " + lock(s.lock(), now));
        out.println();
        if (s.history().isEmpty()) {
            out.println("history    (none)");
        } else {
            out.println("history (newest first)");
            for (HistoryEntry h : s.history()) {
                out.printf("  %s  %-8s -> %-5s revision %s%s%s%n", h.switchedAt(), h.action(), h.color(),
                        nz(h.revision()),
                        h.approvedBy() == null ? "" : ", approved by " + h.approvedBy(),
                        h.buildUrl() == null ? "" : ", " + h.buildUrl());
            }
        }
        out.flush();
    }

    private static String lock(LockInfo l, Instant now) {
        if (l == null || !l.isHeldAt(now)) {
            return "free";
        }
        return "held by " + l.holder() + " (Lease " + l.leaseName() + ", expires " + l.expiresAt() + ")";
    }

    private static String nz(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
