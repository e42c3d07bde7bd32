package io.jenkins.plugins.bluegreen.kubesim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP chunked watch kubectl uses: newline-delimited events on one long response. */
class ChunkedWatchTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().watchHistory(5));

    private static String create(RawHttp http, String ns, String name) throws Exception {
        HttpResponse<String> r = http.post("/api/v1/namespaces/" + ns + "/configmaps", RawHttp.configMap(name));
        return Serialization.unmarshal(r.body(), JsonNode.class)
                .path("metadata")
                .path("resourceVersion")
                .asText();
    }

    private static List<JsonNode> readAll(HttpResponse<java.io.InputStream> r) throws Exception {
        List<JsonNode> events = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    events.add(Serialization.unmarshal(line, JsonNode.class));
                }
            }
        }
        return events;
    }

    @Test
    void watchEndsCleanlyAfterTimeoutSecondsAndSendsEventsAfterTheVersion() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        String rv = create(http, ns, "before");
        create(http, ns, "after");
        long start = System.nanoTime();
        HttpResponse<java.io.InputStream> r =
                http.stream("/api/v1/namespaces/" + ns + "/configmaps?watch=1&timeoutSeconds=1&resourceVersion=" + rv);
        assertThat(r.statusCode()).isEqualTo(200);
        List<JsonNode> events = readAll(r);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("type").asText()).isEqualTo("ADDED");
        assertThat(events.get(0).path("object").path("metadata").path("name").asText())
                .isEqualTo("after");
    }

    @Test
    void tooOldResourceVersionGets410Gone() throws Exception {
        String ns = SIM.newNamespace();
        RawHttp http = new RawHttp(SIM.sim());
        String rv = create(http, ns, "first");
        for (int i = 0; i < 8; i++) {
            create(http, ns, "filler-" + i); // pushes "first" and its successors out of a 5-event history
        }
        List<JsonNode> events =
                readAll(http.stream("/api/v1/namespaces/" + ns + "/configmaps?watch=true&resourceVersion=" + rv));
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("type").asText()).isEqualTo("ERROR");
        assertThat(events.get(0).path("object").path("code").asInt()).isEqualTo(410);
        assertThat(events.get(0).path("object").path("reason").asText()).isEqualTo("Expired");
    }
}
