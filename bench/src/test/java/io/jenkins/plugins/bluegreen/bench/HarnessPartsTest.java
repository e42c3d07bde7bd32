package io.jenkins.plugins.bluegreen.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HarnessPartsTest {
    @Test
    void aPodNameLeadsToItsDeployment() {
        assertThat(ReadyMarks.deploymentOf("shop-green-5d8f7c9b4-x7k2p")).isEqualTo("shop-green");
        assertThat(ReadyMarks.deploymentOf("web-blue-abc-def")).isEqualTo("web-blue");
        assertThat(ReadyMarks.deploymentOf("standalone")).isNull();
        assertThat(ReadyMarks.deploymentOf("one-part")).isNull();
    }

    @Test
    void requestKeysAreShortenedToVerbAndObject() {
        Map<String, Long> snapshot = Map.of(
                "get /apis/apps/v1/namespaces/ns1/deployments/shop-blue", 2L,
                "update /api/v1/namespaces/ns1/services/shop", 1L,
                "get /version", 1L);

        assertThat(Requests.byVerbAndKind(snapshot, "ns1"))
                .containsExactly(
                        Map.entry("get /version", 1L),
                        Map.entry("get deployments/shop-blue", 2L),
                        Map.entry("update services/shop", 1L));
        assertThat(Requests.describe(Requests.byVerbAndKind(snapshot, "ns1")))
                .isEqualTo("get /version, get deployments/shop-blue ×2, update services/shop");
    }

    @Test
    void optionsSelectQuickModeOutputAndItems() {
        BenchOptions options = BenchOptions.parse(
                "--quick", "--out", "docs/performance.md", "--only", "1, 3", "--command", "bench/run --quick");

        assertThat(options.quick()).isTrue();
        assertThat(options.out()).isEqualTo(Path.of("docs/performance.md"));
        assertThat(options.runs(1)).isTrue();
        assertThat(options.runs(2)).isFalse();
        assertThat(options.latencyRepetitions()).isLessThan(BenchOptions.parse().latencyRepetitions());
        assertThatThrownBy(() -> BenchOptions.parse("--fast")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void idlePoolWorkersAreToldFromThreadsThatHoldSomething() {
        StackTraceElement park = new StackTraceElement("jdk.internal.misc.Unsafe", "park", null, -1);
        StackTraceElement getTask =
                new StackTraceElement("java.util.concurrent.ThreadPoolExecutor", "getTask", null, -1);
        StackTraceElement read = new StackTraceElement("java.net.SocketInputStream", "read", null, -1);

        assertThat(HeapAndThreads.isIdleInPool(new StackTraceElement[] {park, getTask}))
                .isTrue();
        assertThat(HeapAndThreads.isIdleInPool(new StackTraceElement[] {read})).isFalse();
        assertThat(HeapAndThreads.group("OkHttp http://127.0.0.1:4242/...")).isEqualTo("OkHttp connection");
        assertThat(HeapAndThreads.group("ForkJoinPool.commonPool-worker-17"))
                .isEqualTo("ForkJoinPool.commonPool-worker");
    }

    @Test
    void tablesRenderAsMarkdownAndEscapePipes() {
        String markdown = new Table("T", "a", "b").row("x|y", 1).note("n").markdown();

        assertThat(markdown).contains("### T", "| a ", "x\\|y", "- n");
        assertThatThrownBy(() -> new Table("T", "a").row(1, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
