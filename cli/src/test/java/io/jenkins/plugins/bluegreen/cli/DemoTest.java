package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code bluegreen demo} end to end: it starts its own embedded kube-sim, so no extension here. */
class DemoTest {

    private static final String BLUE_SELECTOR = "selector: app=myapp,bluegreen.jenkins.io/color=blue";
    private static final String GREEN_SELECTOR = "selector: app=myapp,bluegreen.jenkins.io/color=green";

    private static CliRun.Result demo(String stdin, String... flags) {
        String[] args = new String[flags.length + 1];
        args[0] = "demo";
        System.arraycopy(flags, 0, args, 1, flags.length);
        long start = System.nanoTime();
        CliRun.Result r = CliRun.run(Map.of("USER", "tester"), stdin, args);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        // a figure for the report, not an assertion (tests never assert times): the demo promises well under 30 s
        System.out.printf(
                "bluegreen demo %s took %.1f s (exit %d)%n",
                String.join(" ", flags), took.toMillis() / 1000.0, r.exitCode());
        return r;
    }

    /** The part of the output after the header of section {@code title}, up to the next section. */
    private static String section(String out, String title) {
        int start = out.indexOf(title);
        assertThat(start).as("section '%s' in:%n%s", title, out).isNotNegative();
        int end = out.indexOf("\n== ", start);
        return end < 0 ? out.substring(start) : out.substring(start, end);
    }

    @Test
    void yesDeploysAwaitsSwitchesAndRollsBackShowingWhereTrafficGoes() {
        CliRun.Result r = demo("", "--yes");

        assertThat(r.exitCode()).as(r.toString()).isZero();
        String out = r.out();
        assertThat(section(out, "Seed: myapp v1"))
                .contains(
                        "NodePort 30080",
                        "selector: app=myapp,version=v1",
                        "Endpoints myapp: 10 pods -> 10 version=v1 (example.org/myapp:1.0)");
        assertThat(section(out, "Deploy v2"))
                .contains("adopting myapp", "deployed example.org/myapp:2.0 into myapp-green");
        assertThat(section(out, "Await green healthy"))
                .containsPattern("myapp-green: [0-9]/10 ready")
                .contains(
                        "myapp-green: 10/10 ready",
                        BLUE_SELECTOR,
                        "Endpoints myapp: 10 pods -> 10 blue (example.org/myapp:1.0)");
        assertThat(section(out, "Approval")).contains("Proceed (--yes)");
        assertThat(section(out, "Switch traffic to green"))
                .contains(GREEN_SELECTOR, "Endpoints myapp: 10 pods -> 10 green (example.org/myapp:2.0)");
        assertThat(section(out, "Roll back to blue"))
                .contains(BLUE_SELECTOR, "Endpoints myapp: 10 pods -> 10 blue (example.org/myapp:1.0)");
        assertThat(section(out, "Status"))
                .contains("rollback -> blue", "switch   -> green", "approved by tester (demo --yes)");
        assertThat(out).containsPattern("demo done in \\d+\\.\\d s").doesNotContain("still converging");
        assertThat(r.err()).doesNotContain("error:", "Exception");
    }

    @Test
    void abortAbandonsTheNewColourLeavesTrafficAloneAndExits3() {
        CliRun.Result r = demo("", "--abort");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        String aborted = section(r.out(), "Aborted: abandon green");
        assertThat(aborted)
                .contains(
                        "abandoned myapp-green",
                        BLUE_SELECTOR,
                        "Endpoints myapp: 10 pods -> 10 blue (example.org/myapp:1.0)");
        assertThat(r.out())
                .doesNotContain("Switch traffic", GREEN_SELECTOR)
                .contains("demo aborted by a person: nothing was switched");
    }

    @Test
    void noAnswerAtAllCountsAsAbortAndSaysSo() {
        CliRun.Result r = demo("");

        assertThat(r.exitCode()).as(r.toString()).isEqualTo(3);
        assertThat(r.out()).contains("treating it as Abort").doesNotContain(GREEN_SELECTOR);
    }
}
