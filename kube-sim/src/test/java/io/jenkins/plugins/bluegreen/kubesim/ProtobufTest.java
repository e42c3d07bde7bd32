package io.jenkins.plugins.bluegreen.kubesim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Protobuf bodies as kubectl's typed commands send and accept them: each kind is encoded, created
 * through kube-sim in protobuf, and the protobuf answer decodes to exactly the JSON view of the
 * stored object. Plus the content negotiation around it.
 */
class ProtobufTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(50)));

    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private final HttpClient http =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    record Kind(String collection, String json) {
        @Override
        public String toString() {
            return collection.substring(collection.lastIndexOf('/') + 1);
        }
    }

    static Stream<Kind> kinds() {
        return Stream.of(
                new Kind("/apis/apps/v1/namespaces/NS/deployments", """
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"},
             "annotations":{"kubernetes.io/change-cause":"first"}},
             "spec":{"replicas":0,"selector":{"matchLabels":{"app":"web"}},
              "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":"25%"}},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1",
               "ports":[{"containerPort":8080,"name":"http"}],
               "resources":{"limits":{"cpu":"500m","memory":"128Mi"}}}]}}}}"""),
                new Kind("/apis/apps/v1/namespaces/NS/replicasets", """
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-1"},
             "spec":{"replicas":0,"selector":{"matchExpressions":[{"key":"app","operator":"In","values":["web"]}]},
              "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx:1"}]}}}}"""),
                new Kind("/api/v1/namespaces/NS/pods", """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},
             "spec":{"containers":[{"name":"app","image":"registry.example.com:5000/app:v1",
              "env":[{"name":"EMPTY","value":""}],"readinessProbe":{"httpGet":{"path":"/","port":"http"}}}],
              "volumes":[{"name":"tmp","emptyDir":{}}]}}"""),
                new Kind("/api/v1/namespaces/NS/services", """
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
             "spec":{"type":"NodePort","selector":{"app":"web"},
              "ports":[{"port":80,"targetPort":"http","protocol":"TCP"}]}}"""),
                new Kind("/api/v1/namespaces/NS/endpoints", """
            {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"manual"},
             "subsets":[{"addresses":[{"ip":"10.0.0.1"}],"ports":[{"port":80,"protocol":"TCP"}]}]}"""),
                new Kind("/apis/discovery.k8s.io/v1/namespaces/NS/endpointslices", """
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","metadata":{"name":"manual-abc"},
             "addressType":"IPv4","endpoints":[{"addresses":["10.0.0.1"],
              "conditions":{"ready":false,"serving":false,"terminating":false}}],
             "ports":[{"name":"","port":80,"protocol":"TCP"}]}"""),
                new Kind("/api/v1/namespaces", """
            {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"NS-extra","labels":{"team":"a"}}}"""),
                new Kind("/apis/coordination.k8s.io/v1/namespaces/NS/leases", """
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"lock"},
             "spec":{"holderIdentity":"","leaseDurationSeconds":30,"leaseTransitions":0,
              "renewTime":"2026-01-02T03:04:05.123456Z"}}"""),
                new Kind("/api/v1/namespaces/NS/events", """
            {"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1"},
             "involvedObject":{"kind":"Deployment","name":"web","apiVersion":"apps/v1"},
             "reason":"ScalingReplicaSet","message":"Scaled up replica set web-1 from 0 to 1","type":"Normal",
             "count":2,"firstTimestamp":"2026-01-02T03:04:05Z","lastTimestamp":"2026-01-02T03:04:09Z",
             "source":{"component":"deployment-controller"}}"""),
                new Kind("/apis/events.k8s.io/v1/namespaces/NS/events", """
            {"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"name":"web.2"},
             "eventTime":"2026-01-02T03:04:05.000001Z","reportingController":"kube-sim","reportingInstance":"kube-sim",
             "action":"Scaling","reason":"ScalingReplicaSet","regarding":{"kind":"Deployment","name":"web"},
             "note":"Scaled up","type":"Normal"}"""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void aKindCreatedInProtobufReadsBackAsItsJsonView(Kind kind) throws Exception {
        String ns = SIM.newNamespace();
        String collection = kind.collection().replace("NS", ns);
        ObjectNode object = (ObjectNode) Json.mapper().readTree(kind.json().replace("NS", ns));

        HttpResponse<byte[]> created =
                send("POST", collection, PROTOBUF, ProtoCodec.encode(object), PROTOBUF + ", application/json");
        assertThat(created.statusCode())
                .as(new String(created.body(), StandardCharsets.UTF_8))
                .isEqualTo(201);
        assertThat(created.headers().firstValue("Content-Type")).hasValue(PROTOBUF);

        String name = object.path("metadata").path("name").asText();
        // controllers keep writing (a pod's status): compare a protobuf read with the JSON reads around it
        // once both JSON reads saw the same version
        JsonNode view;
        HttpResponse<byte[]> proto;
        JsonNode after;
        int attempts = 0;
        do {
            view = Json.mapper()
                    .readTree(send("GET", collection + "/" + name, null, null, "application/json")
                            .body());
            proto = send("GET", collection + "/" + name, null, null, PROTOBUF);
            after = Json.mapper()
                    .readTree(send("GET", collection + "/" + name, null, null, "application/json")
                            .body());
        } while (!view.equals(after) && ++attempts < 50);
        assertThat(proto.headers().firstValue("Content-Type")).hasValue(PROTOBUF);
        assertThat(reparsed(ProtoCodec.decode(proto.body(), false))).isEqualTo(view);
        // what was sent is what was stored (the store adds metadata, defaults and status around it)
        assertThat(view.toString())
                .contains(object.path("metadata").path("name").asText());
        for (String field : new String[] {"spec", "subsets", "endpoints", "involvedObject", "regarding"}) {
            if (object.has(field)
                    && !kind.toString().equals("deployments")
                    && !kind.toString().equals("pods")
                    && !kind.toString().equals("services")
                    && !kind.toString().equals("replicasets")) {
                assertThat(view.get(field)).as(field).isEqualTo(object.get(field));
            }
        }

        HttpResponse<byte[]> list = send("GET", collection, null, null, PROTOBUF);
        JsonNode decodedList = ProtoCodec.decode(list.body(), false);
        assertThat(decodedList.path("kind").asText())
                .isEqualTo(object.path("kind").asText() + "List");
        assertThat(decodedList.path("items").findValuesAsText("name")).contains(name);
    }

    @Test
    void zeroesAGoClientWritesForUnsetFieldsAreNotTakenAsValues() throws Exception {
        // a Go client writes every non-pointer field: strategy "", minReadySeconds 0, targetPort 0, nodePort 0
        String ns = SIM.newNamespace();
        ObjectNode svc = (ObjectNode) Json.mapper().readTree("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"","generateName":""},
         "spec":{"type":"NodePort","selector":{"app":"web"},"clusterIP":"","sessionAffinity":"",
          "ports":[{"name":"","port":80,"targetPort":0,"nodePort":0,"protocol":"TCP"}]},"status":{}}""");
        HttpResponse<byte[]> created = send(
                "POST", "/api/v1/namespaces/" + ns + "/services", PROTOBUF, ProtoCodec.encode(svc), "application/json");
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode stored = Json.mapper().readTree(created.body());
        JsonNode port = stored.path("spec").path("ports").get(0);
        assertThat(port.path("targetPort").asInt()).isEqualTo(80); // defaulted from port, as for an absent field
        assertThat(port.path("nodePort").asInt()).isBetween(30000, 32767);
        assertThat(port.has("name")).isFalse();
        assertThat(stored.path("spec").path("clusterIP").asText()).isNotEmpty();
    }

    @Test
    void acceptListsAreNegotiatedByQualityAndOrder() throws Exception {
        String path = "/api/v1/namespaces/default";
        assertThat(type(send("GET", path, null, null, "application/json;q=0.5, " + PROTOBUF)))
                .isEqualTo(PROTOBUF);
        assertThat(type(send("GET", path, null, null, PROTOBUF + ";q=0.1, application/json")))
                .isEqualTo("application/json");
        assertThat(type(send("GET", path, null, null, "text/html, application/yaml")))
                .isEqualTo("application/yaml");
        assertThat(type(send("GET", path, null, null, "*/*"))).isEqualTo("application/json");
        assertThat(type(send("GET", path, null, null, null))).isEqualTo("application/json");
        // Tables are JSON only: a client listing protobuf first still gets its Table in JSON
        HttpResponse<byte[]> table = send(
                "GET",
                "/api/v1/namespaces",
                null,
                null,
                PROTOBUF + ";as=Table;v=v1;g=meta.k8s.io, application/json;as=Table;v=v1;g=meta.k8s.io");
        assertThat(new String(table.body(), StandardCharsets.UTF_8)).contains("\"kind\":\"Table\"");
    }

    @Test
    void whatCannotBeServedOrReadIsRefusedWithTheRealCodes() throws Exception {
        HttpResponse<byte[]> notAcceptable = send("GET", "/api/v1/namespaces/default", null, null, "text/html");
        assertThat(notAcceptable.statusCode()).isEqualTo(406);
        assertThat(new String(notAcceptable.body(), StandardCharsets.UTF_8))
                .contains("NotAcceptable")
                .contains("application/vnd.kubernetes.protobuf");

        HttpResponse<byte[]> xml = send(
                "POST",
                "/api/v1/namespaces/default/configmaps",
                "application/xml",
                "<configMap/>".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(xml.statusCode()).isEqualTo(415);
        assertThat(new String(xml.body(), StandardCharsets.UTF_8)).contains("UnsupportedMediaType");

        HttpResponse<byte[]> noMagic = send(
                "POST",
                "/api/v1/namespaces/default/configmaps",
                PROTOBUF,
                "{}".getBytes(StandardCharsets.UTF_8),
                "application/json");
        assertThat(noMagic.statusCode()).isEqualTo(400);
        assertThat(new String(noMagic.body(), StandardCharsets.UTF_8)).contains("magic prefix");

        // an envelope whose type meta names a kind without a schema: field 1 (typeMeta) holding field 1
        // (apiVersion "v1") and field 2 (kind "Widget")
        byte[] unknown = {0x0a, 0x0c, 0x0a, 0x02, 'v', '1', 0x12, 0x06, 'W', 'i', 'd', 'g', 'e', 't'};
        byte[] renamed = new byte[unknown.length + 4];
        System.arraycopy(new byte[] {'k', '8', 's', 0}, 0, renamed, 0, 4);
        System.arraycopy(unknown, 0, renamed, 4, unknown.length);
        HttpResponse<byte[]> unknownKind =
                send("POST", "/api/v1/namespaces/default/configmaps", PROTOBUF, renamed, "application/json");
        assertThat(unknownKind.statusCode()).isEqualTo(415);
        assertThat(SIM.client()
                        .configMaps()
                        .inNamespace("default")
                        .withName("w")
                        .get())
                .isNull();
    }

    /** Jackson tells an int 1 from a long 1; JSON does not. */
    private static JsonNode reparsed(JsonNode node) throws Exception {
        return Json.mapper().readTree(node.toString());
    }

    private static String type(HttpResponse<?> r) {
        return r.headers().firstValue("Content-Type").orElse("");
    }

    private HttpResponse<byte[]> send(String method, String path, String contentType, byte[] body, String accept)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(SIM.sim().url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
