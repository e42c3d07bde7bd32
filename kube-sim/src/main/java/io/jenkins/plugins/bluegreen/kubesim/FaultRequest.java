package io.jenkins.plugins.bluegreen.kubesim;

/**
 * A client request as fault rules see it. Immutable.
 *
 * @param method HTTP method, e.g. {@code PATCH}
 * @param verb Kubernetes verb, e.g. {@code patch}, {@code list}, {@code watch}
 * @param path request path without query
 * @param query raw query string, "" if none
 * @param body request body, "" if none (always "" for WebSocket watches)
 */
public record FaultRequest(String method, String verb, String path, String query, String body) {}
