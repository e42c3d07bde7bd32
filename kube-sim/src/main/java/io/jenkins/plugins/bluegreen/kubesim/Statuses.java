package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Builds {@code kind: Status} bodies, the shape every Kubernetes client parses errors from. */
final class Statuses {

    private Statuses() {}

    static String json(int code, String reason, String message) {
        ObjectNode s = Json.mapper().createObjectNode();
        s.put("kind", "Status").put("apiVersion", "v1");
        s.putObject("metadata");
        s.put("status", code < 400 ? "Success" : "Failure");
        s.put("message", message);
        s.put("reason", reason);
        s.put("code", code);
        return s.toString();
    }

    static String reasonFor(int code) {
        return switch (code) {
            case 400 -> "BadRequest";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "NotFound";
            case 405 -> "MethodNotAllowed";
            case 406 -> "NotAcceptable";
            case 409 -> "Conflict";
            case 410 -> "Expired";
            case 415 -> "UnsupportedMediaType";
            case 422 -> "Invalid";
            case 429 -> "TooManyRequests";
            case 500 -> "InternalError";
            case 503 -> "ServiceUnavailable";
            case 504 -> "Timeout";
            default -> code >= 500 ? "InternalError" : "Unknown";
        };
    }
}
