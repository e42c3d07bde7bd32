package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.HealthSummary;
import java.io.PrintWriter;

/** The line deploy and await end with: what was found healthy, in the form switch --expect-revision takes back. */
final class TestedRevisionLine {
    private TestedRevisionLine() {}

    static void print(PrintWriter out, String app, HealthSummary healthy) {
        if (healthy.tested() == null) {
            return; // no pod reported its image digest: there is nothing exact to approve
        }
        String revision = healthy.tested().text();
        out.printf("tested revision: %s%n", revision);
        out.printf(
                "  approve exactly this: bluegreen switch --app %s --to %s --expect-revision %s%n",
                app, healthy.color(), revision);
    }
}
