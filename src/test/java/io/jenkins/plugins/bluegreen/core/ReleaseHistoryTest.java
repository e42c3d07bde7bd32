package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseHistoryTest {
    private final ReleaseHistory codec = new ReleaseHistory();

    private static HistoryEntry entry(String revision, Color color) {
        return HistoryEntry.builder("switch", color)
                .revision(revision)
                .images(List.of("myapp:" + revision))
                .switchedAt(Instant.parse("2026-11-26T10:15:30.123456Z"))
                .approvedBy("alice")
                .buildUrl("https://ci/job/1/")
                .build();
    }

    @Test
    void roundTripsEveryField() {
        List<HistoryEntry> entries = List.of(entry("2", Color.GREEN), entry("1", Color.BLUE));

        assertThat(codec.decode(codec.encode(entries))).isEqualTo(entries);
    }

    @Test
    void writesTheDocumentedShape() {
        assertThat(codec.encode(List.of(entry("2", Color.GREEN))))
                .isEqualTo("[{\"action\":\"switch\",\"revision\":\"2\","
                        + "\"color\":\"green\",\"images\":[\"myapp:2\"],\"switchedAt\":\"2026-11-26T10:15:30.123456Z\","
                        + "\"approvedBy\":\"alice\",\"buildUrl\":\"https://ci/job/1/\"}]");
    }

    @Test
    void keepsNullsAsNulls() {
        HistoryEntry bare =
                HistoryEntry.builder("adopt", Color.BLUE).images(List.of()).build();

        assertThat(codec.decode(codec.encode(List.of(bare)))).containsExactly(bare);
    }

    @Test
    void prependsNewestFirstAndBoundsTheList() {
        List<HistoryEntry> older = List.of(entry("3", Color.BLUE), entry("2", Color.GREEN), entry("1", Color.BLUE));

        List<HistoryEntry> result = ReleaseHistory.prepend(entry("4", Color.GREEN), older, 3);

        assertThat(result).extracting(HistoryEntry::revision).containsExactly("4", "3", "2");
    }

    @Test
    void absentAnnotationIsAnEmptyHistory() {
        assertThat(codec.decode(null)).isEmpty();
        assertThat(codec.decode(" ")).isEmpty();
    }

    @Test
    void handEditedGarbageIsReportedNotMisread() {
        assertThatThrownBy(() -> codec.decode("{not json"))
                .isInstanceOf(ReleaseHistory.UnreadableHistoryException.class);
        assertThatThrownBy(() -> codec.decode("{\"a\":1}"))
                .isInstanceOf(ReleaseHistory.UnreadableHistoryException.class);
        assertThatThrownBy(() -> codec.decode("[{\"color\":\"purple\"}]"))
                .isInstanceOf(ReleaseHistory.UnreadableHistoryException.class);
    }
}
