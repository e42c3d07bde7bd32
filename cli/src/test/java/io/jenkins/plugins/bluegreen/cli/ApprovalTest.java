package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ApprovalTest {

    private final StringWriter out = new StringWriter();

    private Approval.Decision decide(String stdin, boolean yes, boolean abort) throws IOException {
        return new Approval(
                        new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true))
                .decide("Switch?", yes, abort);
    }

    @Test
    void flagsAnswerWithoutReadingStdin() throws IOException {
        assertThat(decide("abort\n", true, false)).isEqualTo(Approval.Decision.PROCEED);
        assertThat(decide("proceed\n", false, true)).isEqualTo(Approval.Decision.ABORT);
        assertThat(out.toString()).contains("Proceed (--yes)", "Abort (--abort)");
    }

    @Test
    void readsAnAnswerAndAsksAgainOnNonsense() throws IOException {
        assertThat(decide("maybe\nProceed\n", false, false)).isEqualTo(Approval.Decision.PROCEED);
        assertThat(out.toString()).contains("please answer Proceed or Abort");
        assertThat(decide("a\n", false, false)).isEqualTo(Approval.Decision.ABORT);
    }

    @Test
    void noAnswerIsAbortAndSaysSo() throws IOException {
        assertThat(decide("", false, false)).isEqualTo(Approval.Decision.ABORT);
        assertThat(out.toString()).contains("treating it as Abort", "--yes");
    }

    @Test
    void acceptsWhatAPersonTypes() throws IOException {
        for (String yes : new String[] {"Proceed", "PROCEED.", "  proceed  ", "y", "Yes!", "ok", "approve"}) {
            assertThat(decide(yes + "\n", false, false)).as(yes).isEqualTo(Approval.Decision.PROCEED);
        }
        for (String no : new String[] {"Abort", "ABORT", "n", "No.", "cancel"}) {
            assertThat(decide(no + "\n", false, false)).as(no).isEqualTo(Approval.Decision.ABORT);
        }
    }
}
