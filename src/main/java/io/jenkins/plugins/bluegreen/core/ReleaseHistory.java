package io.jenkins.plugins.bluegreen.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code bluegreen.jenkins.io/history} annotation: a JSON array, newest first, bounded. Written by hand-rolled
 * JSON (field by field) so that its shape is a documented contract, not whatever a mapper configuration produces.
 */
final class ReleaseHistory {
    private final ObjectMapper json = new ObjectMapper();

    /** Thrown when the annotation is not a history written by us (e.g. hand-edited). */
    static final class UnreadableHistoryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnreadableHistoryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    List<HistoryEntry> decode(String annotation) {
        if (annotation == null || annotation.isBlank()) {
            return List.of();
        }
        try {
            JsonNode root = json.readTree(annotation);
            if (!root.isArray()) {
                throw new UnreadableHistoryException("history is not a JSON array", null);
            }
            List<HistoryEntry> entries = new ArrayList<>();
            for (JsonNode node : root) {
                entries.add(entry(node));
            }
            return List.copyOf(entries);
        } catch (JsonProcessingException
                | IllegalArgumentException
                | DateTimeParseException
                | InvalidInputException e) {
            throw new UnreadableHistoryException("history annotation is not readable: " + e.getMessage(), e);
        }
    }

    String encode(List<HistoryEntry> entries) {
        ArrayNode array = json.createArrayNode();
        for (HistoryEntry entry : entries) {
            ObjectNode node = array.addObject();
            node.put("action", entry.action());
            node.put("revision", entry.revision());
            node.put("color", entry.color() == null ? null : entry.color().label());
            ArrayNode images = node.putArray("images");
            entry.images().forEach(images::add);
            node.put(
                    "switchedAt",
                    entry.switchedAt() == null ? null : entry.switchedAt().toString());
            node.put("approvedBy", entry.approvedBy());
            node.put("buildUrl", entry.buildUrl());
            // only when set, so entries without a verification keep the shape they always had
            if (entry.reason() != null) {
                node.put("reason", entry.reason());
            }
            if (entry.verifiedAt() != null) {
                node.put("verifiedAt", entry.verifiedAt().toString());
            }
            if (entry.tested() != null) {
                node.put("podTemplateHash", entry.tested().podTemplateHash());
                ArrayNode digests = node.putArray("imageDigests");
                entry.tested().imageDigests().forEach(digests::add);
            }
        }
        try {
            return json.writeValueAsString(array);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen: a tree of strings always serialises", e);
        }
    }

    /** {@code entry} first, then {@code older}, cut to {@code limit} entries. */
    static List<HistoryEntry> prepend(HistoryEntry entry, List<HistoryEntry> older, int limit) {
        List<HistoryEntry> result = new ArrayList<>(limit);
        result.add(entry);
        for (HistoryEntry e : older) {
            if (result.size() >= limit) {
                break;
            }
            result.add(e);
        }
        return List.copyOf(result);
    }

    private static HistoryEntry entry(JsonNode node) {
        if (!node.isObject()) {
            throw new IllegalArgumentException("entry is not an object: " + node);
        }
        List<String> images = new ArrayList<>();
        node.path("images").forEach(i -> images.add(i.asText()));
        String color = text(node, "color");
        String switchedAt = text(node, "switchedAt");
        String verifiedAt = text(node, "verifiedAt");
        return HistoryEntry.builder(text(node, "action"), color == null ? null : Color.parse(color))
                .revision(text(node, "revision"))
                .images(images)
                .switchedAt(switchedAt == null ? null : Instant.parse(switchedAt))
                .approvedBy(text(node, "approvedBy"))
                .buildUrl(text(node, "buildUrl"))
                .reason(text(node, "reason"))
                .verifiedAt(verifiedAt == null ? null : Instant.parse(verifiedAt))
                .tested(tested(node))
                .build();
    }

    private static Revision tested(JsonNode node) {
        String hash = text(node, "podTemplateHash");
        if (hash == null) {
            return null;
        }
        List<String> digests = new ArrayList<>();
        node.path("imageDigests").forEach(d -> digests.add(d.asText()));
        return new Revision(hash, digests);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
