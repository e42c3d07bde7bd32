package io.jenkins.plugins.bluegreen.kubesim;

import io.vertx.core.Context;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Map;

/**
 * A request in flight, with what the filter and the handlers need to know about it.
 *
 * @param body the body as JSON or YAML text (protobuf bodies already converted)
 * @param badBody the reply for a body that could not be read, else null
 * @param accepted the response formats the client accepts, best first
 */
record Exchange(
        HttpServerRequest req,
        Context ctx,
        HttpConnection connection,
        String method,
        String path,
        String query,
        Map<String, String> params,
        ApiPath api,
        boolean watch,
        String verb,
        String body,
        Reply badBody,
        List<MediaTypes.Format> accepted) {

    String pathWithQuery() {
        return query.isEmpty() ? path : path + "?" + query;
    }

    String header(String name) {
        String v = req.getHeader(name);
        return v == null ? "" : v;
    }

    FaultRequest faultRequest() {
        return new FaultRequest(method, verb, path, query, body);
    }

    /** The same request aimed at another path and verb (server-side apply creating its object). */
    Exchange withTarget(String method, String path, ApiPath api, String verb, String body) {
        return new Exchange(req, ctx, connection, method, path, "", Map.of(), api, false, verb, body, null, accepted);
    }
}
