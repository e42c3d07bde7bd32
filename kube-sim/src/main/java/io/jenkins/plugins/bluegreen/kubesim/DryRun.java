package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code dryRun} option of a write (query parameter; for a delete also its DeleteOptions body), as the API server reads it: absent = a real write, {@code All} =
 * validate and admit everything but store nothing, anything else = 422 Invalid naming the options kind
 * ({@code CreateOptions}, {@code UpdateOptions}, {@code PatchOptions}, {@code DeleteOptions}).
 */
final class DryRun {

    static final String ALL = "All";

    private DryRun() {}

    /** Whether the write is a dry run; a refusal for values the API server does not know. */
    record Option(boolean dryRun, Reply refusal) {}

    static Option of(Exchange ex) {
        List<String> values = values(ex);
        for (String v : values) {
            if (!ALL.equals(v)) {
                return new Option(false, unsupported(optionsKind(ex.method()), v));
            }
        }
        return new Option(!values.isEmpty(), null);
    }

    /** Whether the request asks for a dry run at all (for the request log; a write, whatever the value). */
    static boolean asked(Exchange ex) {
        return !ex.method().equals("GET")
                && !ex.method().equals("HEAD")
                && !values(ex).isEmpty();
    }

    private static List<String> values(Exchange ex) {
        List<String> values =
                new ArrayList<>(ex.req() == null ? List.of() : ex.req().params().getAll("dryRun"));
        if (values.isEmpty() && ex.params().get("dryRun") != null) {
            values.add(ex.params().get("dryRun"));
        }
        if (ex.method().equals("DELETE") && !ex.body().isBlank()) {
            // kubectl delete sends its options as a DeleteOptions body
            JsonNode options = Json.parse(ex.body());
            if (options != null) {
                options.path("dryRun").forEach(v -> values.add(v.asText()));
            }
        }
        return values;
    }

    private static String optionsKind(String method) {
        return switch (method) {
            case "POST" -> "CreateOptions";
            case "PUT" -> "UpdateOptions";
            case "PATCH" -> "PatchOptions";
            default -> "DeleteOptions";
        };
    }

    private static Reply unsupported(String kind, String value) {
        String cause = "Unsupported value: \"" + value + "\": supported values: \"" + ALL + "\"";
        ObjectNode status = (ObjectNode)
                Json.parse(Statuses.json(422, "Invalid", kind + ".meta.k8s.io \"\" is invalid: dryRun: " + cause));
        ObjectNode details = status.putObject("details");
        details.put("group", "meta.k8s.io").put("kind", kind);
        details.putArray("causes")
                .addObject()
                .put("reason", "FieldValueNotSupported")
                .put("message", cause)
                .put("field", "dryRun");
        return Reply.json(422, status.toString());
    }
}
