package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Converts between the JSON Kubernetes objects the store keeps and messages of the Kubernetes
 * protobuf schema, field by field through the schema's descriptors. Kubernetes' JSON and its
 * protobuf differ only in a handful of wrapper types (IntOrString, Quantity, Time, MicroTime,
 * Duration, RawExtension, FieldsV1) and in maps, which are handled here; every other field has the
 * same name in both.
 */
final class ProtoJson {

    private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
    private static final String INT_OR_STRING = "k8s.io.apimachinery.pkg.util.intstr.IntOrString";
    private static final String QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity";
    private static final String TIME = META + "Time";
    private static final String MICRO_TIME = META + "MicroTime";
    private static final String DURATION = META + "Duration";
    private static final String FIELDS_V1 = META + "FieldsV1";
    private static final String RAW_EXTENSION = "k8s.io.apimachinery.pkg.runtime.RawExtension";
    private static final DateTimeFormatter MICRO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * Fields that Kubernetes' Go types hold as pointers, where a zero value means something
     * ({@code replicas: 0}, {@code maxUnavailable: 0}, {@code ready: false}). Go clients write every
     * other scalar even when it is zero, which in JSON they would have left out.
     */
    private static final Set<String> ZERO_MEANS_SOMETHING = Set.of(
            "replicas",
            "revisionHistoryLimit",
            "progressDeadlineSeconds",
            "terminationGracePeriodSeconds",
            "deletionGracePeriodSeconds",
            "maxSurge",
            "maxUnavailable",
            "ready",
            "serving",
            "terminating",
            "runAsUser",
            "runAsGroup",
            "fsGroup",
            "runAsNonRoot",
            "privileged",
            "allowPrivilegeEscalation",
            "readOnlyRootFilesystem",
            "automountServiceAccountToken",
            "activeDeadlineSeconds",
            "optional",
            "defaultMode",
            "partition",
            "leaseDurationSeconds",
            "leaseTransitions",
            "holderIdentity",
            "enableServiceLinks",
            "shareProcessNamespace",
            "hostUsers",
            "minReplicas",
            "k8s.io.api.discovery.v1.EndpointPort.name");

    /**
     * Go structs embedded with {@code json:",inline"}: a field of their own in protobuf, their fields
     * spread into the enclosing object in JSON ({@code volumes[].emptyDir}, {@code readinessProbe.httpGet}).
     */
    private static final Set<String> INLINE = Set.of(
            "k8s.io.api.core.v1.Volume.volumeSource",
            "k8s.io.api.core.v1.Probe.handler",
            "k8s.io.api.core.v1.EphemeralContainer.ephemeralContainerCommon",
            "k8s.io.api.core.v1.PersistentVolumeSpec.persistentVolumeSource");

    /** Fields whose empty object means something, e.g. {@code emptyDir: {}} chooses the volume type. */
    private static final Set<String> EMPTY_MEANS_SOMETHING = Set.of("emptyDir");

    private ProtoJson() {}

    /** JSON object → message of {@code type}; JSON fields the schema lacks are left out. */
    static Message toMessage(JsonNode json, Descriptor type) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        for (FieldDescriptor f : type.getFields()) {
            if (INLINE.contains(f.getFullName())) {
                b.setField(f, toMessage(json, f.getMessageType()));
                continue;
            }
            JsonNode v = json.get(f.getName());
            if (v == null || v.isNull()) {
                continue;
            }
            if (f.isMapField()) {
                Descriptor entry = f.getMessageType();
                FieldDescriptor valueField = entry.findFieldByName("value");
                v.properties()
                        .forEach(e -> b.addRepeatedField(
                                f,
                                DynamicMessage.newBuilder(entry)
                                        .setField(entry.findFieldByName("key"), e.getKey())
                                        .setField(valueField, value(valueField, e.getValue()))
                                        .build()));
            } else if (f.isRepeated()) {
                for (JsonNode item : v) {
                    if (!item.isNull()) {
                        b.addRepeatedField(f, value(f, item));
                    }
                }
            } else {
                b.setField(f, value(f, v));
            }
        }
        return b.build();
    }

    private static Object value(FieldDescriptor f, JsonNode v) {
        return switch (f.getJavaType()) {
            case STRING -> v.isTextual() ? v.asText() : v.toString();
            case INT -> v.asInt();
            case LONG -> v.asLong();
            case DOUBLE -> v.asDouble();
            case FLOAT -> (float) v.asDouble();
            case BOOLEAN -> v.asBoolean();
            case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(v.asText()));
            case MESSAGE -> special(f.getMessageType(), v);
            default -> throw new IllegalArgumentException("field " + f.getFullName() + " has an unsupported type");
        };
    }

    private static Message special(Descriptor type, JsonNode v) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        switch (type.getFullName()) {
            case INT_OR_STRING -> {
                if (v.isNumber()) {
                    b.setField(type.findFieldByName("type"), 0L).setField(type.findFieldByName("intVal"), v.asInt());
                } else {
                    b.setField(type.findFieldByName("type"), 1L).setField(type.findFieldByName("strVal"), v.asText());
                }
            }
            case QUANTITY -> b.setField(type.findFieldByName("string"), v.isTextual() ? v.asText() : v.toString());
            case TIME, MICRO_TIME -> {
                Instant t = OffsetDateTime.parse(v.asText()).toInstant();
                b.setField(type.findFieldByName("seconds"), t.getEpochSecond());
                if (t.getNano() != 0) {
                    b.setField(type.findFieldByName("nanos"), t.getNano());
                }
            }
            case DURATION ->
                b.setField(
                        type.findFieldByName("duration"),
                        java.time.Duration.parse("PT" + v.asText().toUpperCase(java.util.Locale.ROOT))
                                .toNanos());
            case RAW_EXTENSION, FIELDS_V1 -> b.setField(type.getFields().get(0), ByteString.copyFromUtf8(v.toString()));
            default -> {
                return toMessage(v, type);
            }
        }
        return b.build();
    }

    /**
     * Message → JSON object. With {@code fromGoClient}, zero scalars and empty objects are dropped
     * unless the field is one where zero means something: a Go client writes them all, so their
     * presence says nothing, and the JSON that client would have sent leaves them out.
     */
    static ObjectNode toJson(Message m, boolean fromGoClient) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            FieldDescriptor f = e.getKey();
            if (f.isMapField()) {
                ObjectNode map = out.putObject(f.getName());
                for (Object o : (List<?>) e.getValue()) {
                    Message entry = (Message) o;
                    Descriptor d = entry.getDescriptorForType();
                    map.set(
                            String.valueOf(entry.getField(d.findFieldByName("key"))),
                            json(d.findFieldByName("value"), entry.getField(d.findFieldByName("value")), false));
                }
            } else if (f.isRepeated()) {
                ArrayNode array = out.putArray(f.getName());
                for (Object o : (List<?>) e.getValue()) {
                    array.add(json(f, o, fromGoClient));
                }
            } else if (INLINE.contains(f.getFullName())) {
                out.setAll(toJson((Message) e.getValue(), fromGoClient));
            } else {
                JsonNode v = json(f, e.getValue(), fromGoClient);
                if (v != null && !(fromGoClient && isZero(f, v))) {
                    out.set(f.getName(), v);
                }
            }
        }
        return out;
    }

    private static boolean isZero(FieldDescriptor f, JsonNode v) {
        if (v.isObject()) {
            return v.isEmpty() && !EMPTY_MEANS_SOMETHING.contains(f.getName());
        }
        if (ZERO_MEANS_SOMETHING.contains(f.getName()) || ZERO_MEANS_SOMETHING.contains(f.getFullName())) {
            return false;
        }
        return (v.isTextual() && v.asText().isEmpty())
                || (v.isNumber() && v.asDouble() == 0)
                || (v.isBoolean() && !v.asBoolean());
    }

    private static JsonNode json(FieldDescriptor f, Object v, boolean fromGoClient) {
        JsonNodeFactory n = JsonNodeFactory.instance;
        return switch (f.getJavaType()) {
            case STRING -> n.textNode((String) v);
            case INT -> n.numberNode((Integer) v);
            case LONG -> n.numberNode((Long) v);
            case DOUBLE -> n.numberNode((Double) v);
            case FLOAT -> n.numberNode((Float) v);
            case BOOLEAN -> n.booleanNode((Boolean) v);
            case BYTE_STRING -> n.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case MESSAGE -> special((Message) v, fromGoClient);
            default -> throw new IllegalArgumentException("field " + f.getFullName() + " has an unsupported type");
        };
    }

    private static JsonNode special(Message m, boolean fromGoClient) {
        Descriptor type = m.getDescriptorForType();
        JsonNodeFactory n = JsonNodeFactory.instance;
        switch (type.getFullName()) {
            case INT_OR_STRING -> {
                long kind = (Long) m.getField(type.findFieldByName("type"));
                return kind == 1
                        ? n.textNode((String) m.getField(type.findFieldByName("strVal")))
                        : n.numberNode((Integer) m.getField(type.findFieldByName("intVal")));
            }
            case QUANTITY -> {
                String q = (String) m.getField(type.findFieldByName("string"));
                return q.isEmpty() && fromGoClient ? null : n.textNode(q);
            }
            case TIME, MICRO_TIME -> {
                if (m.getAllFields().isEmpty()) {
                    return null; // Go writes a zero time as an empty message; its JSON is null
                }
                Instant t = Instant.ofEpochSecond((Long) m.getField(type.findFieldByName("seconds")), (Integer)
                        m.getField(type.findFieldByName("nanos")));
                return n.textNode(
                        type.getFullName().equals(TIME)
                                ? DateTimeFormatter.ISO_INSTANT.format(
                                        t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                                : MICRO.format(t));
            }
            case DURATION -> {
                long nanos = (Long) m.getField(type.findFieldByName("duration"));
                return n.textNode(goDuration(nanos));
            }
            case RAW_EXTENSION, FIELDS_V1 -> {
                ByteString raw = (ByteString) m.getField(type.getFields().get(0));
                if (raw.isEmpty()) {
                    return null;
                }
                try {
                    return Json.mapper().readTree(raw.toString(StandardCharsets.UTF_8));
                } catch (Exception e) {
                    return n.textNode(raw.toString(StandardCharsets.UTF_8));
                }
            }
            default -> {
                return toJson(m, fromGoClient);
            }
        }
    }

    /** Go's time.Duration.String() for whole seconds and above, e.g. {@code 1h0m0s}, {@code 30s}. */
    private static String goDuration(long nanos) {
        java.time.Duration d = java.time.Duration.ofNanos(nanos);
        if (d.toHours() > 0) {
            return d.toHours() + "h" + d.toMinutesPart() + "m" + d.toSecondsPart() + "s";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + "m" + d.toSecondsPart() + "s";
        }
        return d.toSeconds() + "s";
    }
}
