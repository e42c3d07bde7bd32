package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Server-side printing: the {@code meta.k8s.io/v1 Table} kubectl asks for ({@code Accept: ...;as=Table})
 * so {@code kubectl get} shows the usual columns (READY, STATUS, PORT(S), ENDPOINTS...).
 */
final class Tables {

    private record Column(String name, int priority, Function<JsonNode, Object> cell) {}

    static boolean wanted(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    /** A Table of a list response or of a single object. */
    String render(ResourceType type, JsonNode body) {
        List<JsonNode> objects = new ArrayList<>();
        if (body.has("items")) {
            body.path("items").forEach(objects::add);
        } else {
            objects.add(body);
        }
        return table(
                        type,
                        objects,
                        body.path("metadata").path("resourceVersion").asText(""))
                .toString();
    }

    /** A one-row Table, the object of a watch event when kubectl watches with tables. */
    String renderOne(ResourceType type, JsonNode object) {
        return table(
                        type,
                        List.of(object),
                        object.path("metadata").path("resourceVersion").asText(""))
                .toString();
    }

    private ObjectNode table(ResourceType type, List<JsonNode> objects, String resourceVersion) {
        ObjectNode t = Json.mapper().createObjectNode();
        t.put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
        t.putObject("metadata").put("resourceVersion", resourceVersion);
        List<Column> columns = columns(type.kind());
        ArrayNode defs = t.putArray("columnDefinitions");
        for (Column c : columns) {
            defs.addObject()
                    .put("name", c.name())
                    .put("type", "string")
                    .put("format", c.name().equals("Name") ? "name" : "")
                    .put("description", c.name())
                    .put("priority", c.priority());
        }
        ArrayNode rows = t.putArray("rows");
        for (JsonNode o : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (Column c : columns) {
                Object v = c.cell().apply(o);
                if (v instanceof Integer i) {
                    cells.add(i);
                } else {
                    cells.add(String.valueOf(v));
                }
            }
            ObjectNode partial = row.putObject("object");
            partial.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/v1");
            partial.set("metadata", o.path("metadata").deepCopy());
        }
        return t;
    }

    private static List<Column> columns(String kind) {
        Column name = new Column("Name", 0, o -> o.path("metadata").path("name").asText());
        Column age = new Column(
                "Age", 0, o -> age(o.path("metadata").path("creationTimestamp").asText("")));
        return switch (kind) {
            case "Pod" ->
                List.of(
                        name,
                        new Column("Ready", 0, Tables::podReady),
                        new Column("Status", 0, Tables::podStatus),
                        new Column("Restarts", 0, o -> {
                            int n = 0;
                            for (JsonNode c : o.path("status").path("containerStatuses")) {
                                n += c.path("restartCount").asInt();
                            }
                            return n;
                        }),
                        age,
                        new Column("IP", 1, o -> o.path("status").path("podIP").asText("<none>")),
                        new Column(
                                "Node", 1, o -> o.path("spec").path("nodeName").asText("<none>")));
            case "Deployment" ->
                List.of(
                        name,
                        new Column(
                                "Ready",
                                0,
                                o -> o.path("status").path("readyReplicas").asInt(0) + "/"
                                        + o.path("spec").path("replicas").asInt(1)),
                        new Column("Up-to-date", 0, o -> o.path("status")
                                .path("updatedReplicas")
                                .asInt(0)),
                        new Column("Available", 0, o -> o.path("status")
                                .path("availableReplicas")
                                .asInt(0)),
                        age,
                        new Column(
                                "Containers",
                                1,
                                o -> join(
                                        o.path("spec")
                                                .path("template")
                                                .path("spec")
                                                .path("containers"),
                                        "name")),
                        new Column(
                                "Images",
                                1,
                                o -> join(
                                        o.path("spec")
                                                .path("template")
                                                .path("spec")
                                                .path("containers"),
                                        "image")),
                        new Column(
                                "Selector",
                                1,
                                o -> selector(o.path("spec").path("selector").path("matchLabels"))));
            case "ReplicaSet" ->
                List.of(
                        name,
                        new Column("Desired", 0, o -> o.path("spec")
                                .path("replicas")
                                .asInt(1)),
                        new Column("Current", 0, o -> o.path("status")
                                .path("replicas")
                                .asInt(0)),
                        new Column("Ready", 0, o -> o.path("status")
                                .path("readyReplicas")
                                .asInt(0)),
                        age);
            case "Service" ->
                List.of(
                        name,
                        new Column("Type", 0, o -> o.path("spec").path("type").asText("ClusterIP")),
                        new Column("Cluster-IP", 0, o -> o.path("spec")
                                .path("clusterIP")
                                .asText("<none>")),
                        new Column("External-IP", 0, o -> "<none>"),
                        new Column("Port(s)", 0, Tables::servicePorts),
                        age,
                        new Column("Selector", 1, o -> selector(o.path("spec").path("selector"))));
            case "Endpoints" -> List.of(name, new Column("Endpoints", 0, Tables::endpoints), age);
            case "Namespace" ->
                List.of(
                        name,
                        new Column(
                                "Status", 0, o -> o.path("status").path("phase").asText("Active")),
                        age);
            case "Lease" ->
                List.of(
                        name,
                        new Column("Holder", 0, o -> o.path("spec")
                                .path("holderIdentity")
                                .asText("")),
                        age);
            case "Event" ->
                List.of(
                        new Column(
                                "Last Seen",
                                0,
                                o -> age(o.path("lastTimestamp")
                                        .asText(o.path("metadata")
                                                .path("creationTimestamp")
                                                .asText("")))),
                        new Column("Type", 0, o -> o.path("type").asText()),
                        new Column("Reason", 0, o -> o.path("reason").asText()),
                        new Column(
                                "Object",
                                0,
                                o -> o.path("involvedObject")
                                                .path("kind")
                                                .asText()
                                                .toLowerCase(java.util.Locale.ROOT) + "/"
                                        + o.path("involvedObject").path("name").asText()),
                        new Column("Subobject", 1, o -> o.path("involvedObject")
                                .path("fieldPath")
                                .asText("")),
                        new Column(
                                "Source",
                                1,
                                o -> o.path("source").path("component").asText("")
                                        + (o.path("source").has("host")
                                                ? ", "
                                                        + o.path("source")
                                                                .path("host")
                                                                .asText()
                                                : "")),
                        new Column("Message", 0, o -> o.path("message").asText()),
                        new Column(
                                "First Seen",
                                1,
                                o -> age(o.path("firstTimestamp").asText(""))),
                        new Column("Count", 1, o -> o.path("count").asInt(1)),
                        new Column(
                                "Name", 1, o -> o.path("metadata").path("name").asText()));
            case "EndpointSlice" ->
                List.of(
                        name,
                        new Column("AddressType", 0, o -> o.path("addressType").asText()),
                        new Column(
                                "Ports", 0, o -> o.path("ports").isEmpty() ? "<unset>" : join(o.path("ports"), "port")),
                        new Column("Endpoints", 0, Tables::sliceEndpoints),
                        age);
            default -> List.of(name, age);
        };
    }

    private static String podReady(JsonNode o) {
        int total = o.path("spec").path("containers").size();
        int ready = 0;
        for (JsonNode c : o.path("status").path("containerStatuses")) {
            if (c.path("ready").asBoolean()) {
                ready++;
            }
        }
        return ready + "/" + total;
    }

    private static String podStatus(JsonNode o) {
        if (o.path("metadata").hasNonNull("deletionTimestamp")) {
            return "Terminating";
        }
        for (JsonNode c : o.path("status").path("containerStatuses")) {
            String waiting = c.path("state").path("waiting").path("reason").asText("");
            if (!waiting.isEmpty()) {
                return waiting;
            }
        }
        return o.path("status").path("phase").asText("Pending");
    }

    private static String servicePorts(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode p : o.path("spec").path("ports")) {
            out.add(p.path("port").asText()
                    + (p.has("nodePort") ? ":" + p.path("nodePort").asText() : "") + "/"
                    + p.path("protocol").asText("TCP"));
        }
        return out.isEmpty() ? "<none>" : String.join(",", out);
    }

    private static String endpoints(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode s : o.path("subsets")) {
            for (JsonNode a : s.path("addresses")) {
                for (JsonNode p : s.path("ports")) {
                    out.add(a.path("ip").asText() + ":" + p.path("port").asText());
                }
            }
        }
        if (out.isEmpty()) {
            return "<none>";
        }
        return out.size() <= 3
                ? String.join(",", out)
                : String.join(",", out.subList(0, 3)) + " + " + (out.size() - 3) + " more...";
    }

    private static String sliceEndpoints(JsonNode o) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : o.path("endpoints")) {
            e.path("addresses").forEach(a -> out.add(a.asText()));
        }
        if (out.isEmpty()) {
            return "<unset>";
        }
        return out.size() <= 3
                ? String.join(",", out)
                : String.join(",", out.subList(0, 3)) + " + " + (out.size() - 3) + " more...";
    }

    private static String join(JsonNode list, String field) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.path(field).asText()));
        return String.join(",", out);
    }

    private static String selector(JsonNode labels) {
        List<String> out = new ArrayList<>();
        labels.properties().forEach(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return out.isEmpty() ? "<none>" : String.join(",", out);
    }

    /** Like kubectl's human durations: 42s, 3m12s, 45m, 5h, 3d. */
    static String age(String timestamp) {
        if (timestamp.isEmpty()) {
            return "<unknown>";
        }
        Duration d = Duration.between(Instant.parse(timestamp), Instant.now());
        long s = Math.max(0, d.getSeconds());
        if (s < 120) {
            return s + "s";
        }
        if (s < 600) {
            return (s / 60) + "m" + (s % 60 == 0 ? "" : (s % 60) + "s");
        }
        if (s < 3 * 3600) {
            return (s / 60) + "m";
        }
        if (s < 48 * 3600) {
            return (s / 3600) + "h";
        }
        return (s / 86400) + "d";
    }
}
