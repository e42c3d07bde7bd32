package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Coordination;
import io.kubernetes.client.proto.V1Discovery;
import io.kubernetes.client.proto.V1Events;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V2Autoscaling;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * Kubernetes' protobuf wire format ({@code application/vnd.kubernetes.protobuf}): the four magic
 * bytes {@code k8s\0}, then a {@code runtime.Unknown} whose type meta names the kind and whose raw
 * bytes are the object's message. Objects are converted to and from the store's JSON by
 * {@link ProtoJson}. Only the schema's descriptors are used, with the runtime's
 * {@link DynamicMessage}: the generated message classes are old code the runtime warns about.
 */
final class ProtoCodec {

    static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
    private static final byte[] MAGIC = {'k', '8', 's', 0};

    /** apiVersion → the schema file of that group version. */
    private static final Map<String, FileDescriptor> SCHEMAS = Map.of(
            "v1", V1.getDescriptor(),
            "apps/v1", V1Apps.getDescriptor(),
            "coordination.k8s.io/v1", V1Coordination.getDescriptor(),
            "discovery.k8s.io/v1", V1Discovery.getDescriptor(),
            "events.k8s.io/v1", V1Events.getDescriptor(),
            "rbac.authorization.k8s.io/v1", V1Rbac.getDescriptor(),
            "autoscaling/v1", V1Autoscaling.getDescriptor(),
            "autoscaling/v2", V2Autoscaling.getDescriptor(),
            "networking.k8s.io/v1", V1Networking.getDescriptor());

    /** Kinds of meta/v1 that any group version uses. */
    private static final Map<String, Descriptor> META_KINDS = Map.of(
            "Status", Meta.getDescriptor().findMessageTypeByName("Status"),
            "DeleteOptions", Meta.getDescriptor().findMessageTypeByName("DeleteOptions"));

    private static final Descriptor UNKNOWN =
            io.kubernetes.client.proto.Runtime.getDescriptor().findMessageTypeByName("Unknown");
    private static final Descriptor TYPE_META =
            io.kubernetes.client.proto.Runtime.getDescriptor().findMessageTypeByName("TypeMeta");

    private ProtoCodec() {}

    /** A body that is not a Kubernetes protobuf message of a kind kube-sim knows. */
    static final class UnsupportedException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean unknownKind;

        UnsupportedException(String message, boolean unknownKind) {
            super(message);
            this.unknownKind = unknownKind;
        }

        /** Well-formed, but of a kind without a schema (rather than bytes that are not the format at all). */
        boolean unknownKind() {
            return unknownKind;
        }
    }

    /** The schema of a kind, if there is one. */
    static Optional<Descriptor> schema(String apiVersion, String kind) {
        if (META_KINDS.containsKey(kind)) {
            return Optional.of(META_KINDS.get(kind));
        }
        FileDescriptor file = SCHEMAS.get(apiVersion);
        return file == null ? Optional.empty() : Optional.ofNullable(file.findMessageTypeByName(kind));
    }

    static boolean canEncode(JsonNode object) {
        return object != null
                && schema(
                                object.path("apiVersion").asText(),
                                object.path("kind").asText())
                        .isPresent();
    }

    /** JSON object (with apiVersion and kind) → enveloped protobuf bytes. */
    static byte[] encode(JsonNode object) throws UnsupportedException {
        String apiVersion = object.path("apiVersion").asText();
        String kind = object.path("kind").asText();
        Descriptor type = schema(apiVersion, kind)
                .orElseThrow(() -> new UnsupportedException(
                        "kube-sim has no protobuf schema for " + apiVersion + " " + kind, true));
        DynamicMessage typeMeta = DynamicMessage.newBuilder(TYPE_META)
                .setField(TYPE_META.findFieldByName("apiVersion"), apiVersion)
                .setField(TYPE_META.findFieldByName("kind"), kind)
                .build();
        byte[] unknown = DynamicMessage.newBuilder(UNKNOWN)
                .setField(UNKNOWN.findFieldByName("typeMeta"), typeMeta)
                .setField(
                        UNKNOWN.findFieldByName("raw"),
                        ProtoJson.toMessage(object, type).toByteString())
                .setField(UNKNOWN.findFieldByName("contentEncoding"), "")
                .setField(UNKNOWN.findFieldByName("contentType"), "")
                .build()
                .toByteArray();
        byte[] out = Arrays.copyOf(MAGIC, MAGIC.length + unknown.length);
        System.arraycopy(unknown, 0, out, MAGIC.length, unknown.length);
        return out;
    }

    /**
     * Enveloped protobuf bytes → JSON object with apiVersion and kind. {@code fromGoClient}: see
     * {@link ProtoJson#toJson}.
     */
    static ObjectNode decode(byte[] body, boolean fromGoClient) throws UnsupportedException {
        if (body.length < MAGIC.length || !Arrays.equals(Arrays.copyOf(body, MAGIC.length), MAGIC)) {
            throw new UnsupportedException(
                    "the protobuf body does not start with the Kubernetes magic prefix k8s\\0", false);
        }
        try {
            DynamicMessage unknown =
                    DynamicMessage.parseFrom(UNKNOWN, Arrays.copyOfRange(body, MAGIC.length, body.length));
            Message typeMeta = (Message) unknown.getField(UNKNOWN.findFieldByName("typeMeta"));
            String apiVersion = (String) typeMeta.getField(TYPE_META.findFieldByName("apiVersion"));
            String kind = (String) typeMeta.getField(TYPE_META.findFieldByName("kind"));
            Descriptor type = schema(apiVersion, kind)
                    .orElseThrow(() -> new UnsupportedException(
                            "kube-sim has no protobuf schema for " + apiVersion + " " + kind, true));
            ObjectNode json = Json.mapper()
                    .createObjectNode()
                    .put("apiVersion", apiVersion)
                    .put("kind", kind);
            ByteString raw = (ByteString) unknown.getField(UNKNOWN.findFieldByName("raw"));
            json.setAll(ProtoJson.toJson(DynamicMessage.parseFrom(type, raw), fromGoClient));
            return json;
        } catch (InvalidProtocolBufferException e) {
            throw new UnsupportedException("the protobuf body could not be decoded: " + e.getMessage(), false);
        }
    }
}
