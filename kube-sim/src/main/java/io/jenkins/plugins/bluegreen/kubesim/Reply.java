package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A response to write. Resource replies are JSON until written; {@link #renderedFor} turns them
 * into the format the client accepts. Binary bodies (protobuf) travel as ISO-8859-1 text.
 */
record Reply(int code, String contentType, String body, Map<String, String> headers) {

    private static final Logger LOG = Logger.getLogger(Reply.class.getName());

    static Reply json(int code, String body) {
        return new Reply(code, MediaTypes.JSON, body, Map.of());
    }

    /** A {@code kind: Status} reply, the shape every Kubernetes client parses errors from. */
    static Reply status(int code, String message) {
        return json(code, Statuses.json(code, Statuses.reasonFor(code), message));
    }

    /** The store's answer as the API server gives it: 200 for 202, Status bodies with the right reason. */
    static Reply fromStore(ApiPath p, SimStore.Reply reply) {
        int code = reply.code() == 202 ? 200 : reply.code();
        if (reply.ok()) {
            return json(code, reply.body() == null || reply.body().isEmpty() ? "{}" : reply.body());
        }
        String resource = p.group().isEmpty() ? p.plural() : p.plural() + "." + p.group();
        JsonNode body = reply.body() == null || reply.body().isEmpty() ? null : Json.parse(reply.body());
        if (body == null || !"Status".equals(body.path("kind").asText())) {
            return code == 404
                    ? status(404, resource + " \"" + (p.name() == null ? "" : p.name()) + "\" not found")
                    : status(code, reply.body() == null ? Statuses.reasonFor(code) : reply.body());
        }
        ObjectNode status = (ObjectNode) body;
        String message = status.path("message").asText("");
        // the store calls every failure "Invalid"; clients switch on the reason
        String reason = code == 409 && message.contains("already exists") ? "AlreadyExists" : Statuses.reasonFor(code);
        status.put("reason", reason).put("apiVersion", "v1");
        return json(code, status.toString());
    }

    Buffer bytes() {
        return Discovery.OPENAPI_V2_PROTOBUF.equals(contentType) || MediaTypes.PROTOBUF.equals(contentType)
                ? Buffer.buffer(body.getBytes(StandardCharsets.ISO_8859_1))
                : Buffer.buffer(body == null ? "" : body, "UTF-8");
    }

    /** This JSON reply in the first accepted format that can carry it (protobuf: kinds with a schema). */
    Reply renderedFor(List<MediaTypes.Format> accepted) {
        if (!MediaTypes.JSON.equals(contentType)) {
            return this;
        }
        for (MediaTypes.Format format : accepted) {
            if (format == MediaTypes.Format.JSON) {
                return this;
            }
            JsonNode object = Json.parse(body);
            try {
                if (format == MediaTypes.Format.YAML && object != null) {
                    return new Reply(code, MediaTypes.YAML, Json.yaml().writeValueAsString(object), headers);
                }
                if (format == MediaTypes.Format.PROTOBUF && ProtoCodec.canEncode(object)) {
                    return new Reply(
                            code,
                            MediaTypes.PROTOBUF,
                            new String(ProtoCodec.encode(object), StandardCharsets.ISO_8859_1),
                            headers);
                }
            } catch (Exception e) {
                LOG.log(
                        Level.WARNING,
                        "kube-sim could not render a " + object.path("kind").asText() + " as " + format,
                        e);
            }
        }
        return this;
    }
}
