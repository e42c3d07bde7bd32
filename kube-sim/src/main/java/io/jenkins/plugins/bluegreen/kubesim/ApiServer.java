package io.jenkins.plugins.bluegreen.kubesim;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP(S) front of the sim, on 127.0.0.1 only. It counts every request, reads its body
 * (JSON, YAML or protobuf), passes it through the {@link RequestFilter} (authentication, faults),
 * then hands it to discovery, the {@link WatchEndpoint} or the {@link VerbHandler} of its verb, and
 * writes the reply in the format the client accepts.
 */
final class ApiServer {

    private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());

    private final Vertx vertx;
    private final Discovery discovery;
    private final ResourceTypes types;
    private final RequestCounters counters;
    private final RequestFilter filter;
    private final WatchEndpoint watches;
    private final VerbHandler get;
    private final VerbHandler create;
    private final VerbHandler update;
    private final VerbHandler patch;
    private final VerbHandler delete;
    private final VerbHandler scale;
    private final ExecutorService workers;
    private HttpServer server;
    private String address;

    ApiServer(
            Vertx vertx,
            SimStore store,
            WatchHub hub,
            ClusterCache cache,
            ResourceTypes types,
            FaultRules faults,
            RequestCounters counters,
            Defaults defaults,
            Rbac rbac,
            ExecutorService workers) {
        Tables tables = new Tables();
        CreateHandler creates = new CreateHandler(store, cache, defaults);
        this.vertx = vertx;
        this.discovery = new Discovery(types);
        this.types = types;
        this.counters = counters;
        this.filter = new RequestFilter(rbac, faults);
        this.watches = new WatchEndpoint(vertx, store, hub, types, tables, workers);
        this.get = new GetHandler(store, tables);
        this.create = creates;
        this.update = new UpdateHandler(store, defaults);
        this.patch = new PatchHandler(store, defaults, creates);
        this.delete = new DeleteHandler(store);
        this.scale = new ScaleHandler(store);
        this.workers = workers;
    }

    /** Starts listening; returns the bound port. */
    int start(int port, TlsMaterial tls) {
        HttpServerOptions options = new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(port)
                .setMaxWebSocketFrameSize(1 << 20)
                .setMaxWebSocketMessageSize(64 << 20);
        if (tls != null) {
            options.setSsl(true)
                    .setKeyCertOptions(new PemKeyCertOptions()
                            .setCertValue(Buffer.buffer(tls.certificatePem()))
                            .setKeyValue(Buffer.buffer(tls.privateKeyPem())));
        }
        try {
            server = vertx.createHttpServer(options)
                    .requestHandler(this::handle)
                    .listen()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("kube-sim could not listen on 127.0.0.1:" + port, e);
        }
        address = "127.0.0.1:" + server.actualPort();
        return server.actualPort();
    }

    void stop() {
        if (server != null) {
            try {
                server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.log(Level.FINE, "closing kube-sim server", e);
            }
        }
    }

    private void handle(HttpServerRequest req) {
        Context ctx = vertx.getOrCreateContext();
        String path = req.path();
        String query = req.query() == null ? "" : req.query();
        Map<String, String> params = new HashMap<>();
        req.params().forEach(e -> params.putIfAbsent(e.getKey(), e.getValue()));
        String normalized = path.replaceFirst("^(/api/v1|/apis/[^/]+/[^/]+)/watch/", "$1/");
        boolean watch = !normalized.equals(path) || isTrue(params.get("watch"));
        ApiPath api = ApiPath.parse(normalized).orElse(null);
        String method = req.method().name();
        String verb = verb(method, api, watch);
        List<MediaTypes.Format> accepted = MediaTypes.acceptable(req.getHeader("Accept"));
        if (watch && "websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            counters.record(verb, path);
            Exchange ex = new Exchange(
                    req, ctx, req.connection(), method, normalized, query, params, api, true, verb, "", null, accepted);
            webSocketWatch(ex);
            return;
        }
        req.body().onComplete(ar -> {
            RequestBody body = RequestBody.read(
                    method,
                    req.getHeader("Content-Type"),
                    ar.succeeded() && ar.result() != null ? ar.result().getBytes() : new byte[0]);
            Exchange ex = new Exchange(
                    req,
                    ctx,
                    req.connection(),
                    method,
                    normalized,
                    query,
                    params,
                    api,
                    watch,
                    verb,
                    body.text(),
                    body.refusal(),
                    accepted);
            counters.record(verb, path, DryRun.asked(ex));
            workers.execute(() -> serve(ex));
        });
    }

    private static boolean isTrue(String v) {
        return v != null && (v.equalsIgnoreCase("true") || v.equals("1"));
    }

    static String verb(String method, ApiPath api, boolean watch) {
        return switch (method) {
            case "GET", "HEAD" -> watch ? "watch" : api != null && api.isCollection() ? "list" : "get";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> api != null && api.isCollection() ? "deletecollection" : "delete";
            default -> method.toLowerCase(Locale.ROOT);
        };
    }

    // ---- the filter, then routing ---------------------------------------------------------------

    private void serve(Exchange ex) {
        try {
            RequestFilter.Admission admission = filter.admit(ex);
            if (admission.refusal() != null) {
                write(ex, admission.refusal());
                return;
            }
            FaultRule rule = admission.rule();
            if (rule == null) {
                route(ex, false);
                return;
            }
            switch (rule.action()) {
                case RESPOND -> write(ex, RequestFilter.faultReply(rule));
                case DELAY ->
                    vertx.setTimer(Math.max(1, rule.delay().toMillis()), id -> workers.execute(() -> route(ex, false)));
                case DROP_BEFORE_APPLY -> drop(ex);
                case DROP_AFTER_APPLY -> route(ex, true);
                case HOLD -> {
                    rule.gate().hold(); // serve() runs on a worker thread, never on the event loop
                    route(ex, false);
                }
                default -> route(ex, false);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "kube-sim failed serving " + ex.method() + " " + ex.path(), e);
            write(ex, Reply.status(500, "kube-sim internal error: " + e));
        }
    }

    private void webSocketWatch(Exchange ex) {
        RequestFilter.Admission admission = filter.admit(ex);
        if (admission.refusal() != null) {
            write(ex, admission.refusal());
            return;
        }
        FaultRule rule = admission.rule();
        if (rule != null && rule.action() == FaultRule.Action.RESPOND) {
            write(ex, RequestFilter.faultReply(rule));
            return;
        }
        if (rule != null && rule.action() == FaultRule.Action.DROP_BEFORE_APPLY) {
            drop(ex);
            return;
        }
        watches.webSocket(ex, rule != null && rule.action() == FaultRule.Action.DELAY ? rule.delay() : Duration.ZERO);
    }

    private void drop(Exchange ex) {
        ex.ctx().runOnContext(v -> ex.connection().close());
    }

    private void write(Exchange ex, Reply reply) {
        ex.ctx().runOnContext(v -> {
            var resp = ex.req().response();
            if (resp.ended() || resp.closed()) {
                return;
            }
            Reply rendered = ex.api() == null ? reply : reply.renderedFor(ex.accepted());
            resp.setStatusCode(rendered.code());
            resp.putHeader("Content-Type", rendered.contentType());
            rendered.headers().forEach(resp::putHeader);
            resp.end(rendered.bytes());
        });
    }

    private void route(Exchange ex, boolean dropAfter) {
        Reply reply = dispatch(ex);
        if (reply == null) {
            return; // a watch: it writes for itself
        }
        if (dropAfter) {
            drop(ex);
        } else {
            write(ex, reply);
        }
    }

    private Reply dispatch(Exchange ex) {
        if (ex.api() == null) {
            return nonResource(ex);
        }
        ApiPath p = ex.api();
        if (ex.watch()) {
            watches.chunked(ex);
            return null;
        }
        if ("log".equals(p.subresource())) {
            return new Reply(200, "text/plain", "", Map.of());
        }
        VerbHandler handler = "scale".equals(p.subresource())
                ? scale
                : switch (ex.method()) {
                    case "POST" -> create;
                    case "PUT" -> update;
                    case "PATCH" -> patch;
                    case "GET", "HEAD" -> get;
                    case "DELETE" -> delete;
                    default -> null;
                };
        return handler == null
                ? Reply.status(405, "method " + ex.method() + " not allowed")
                : handler.handle(
                        ex, p, types.find(p.group(), p.version(), p.plural()).orElse(null));
    }

    private Reply nonResource(Exchange ex) {
        String path = ex.path();
        if (path.equals("/healthz") || path.equals("/livez") || path.equals("/readyz")) {
            return new Reply(200, "text/plain", "ok", Map.of());
        }
        if (path.equals("/openapi/v2")) {
            // kubectl validates and computes patches with the schema if it finds one; an empty document
            // tells it to skip validation and use its built-in types, which is what we want
            return new Reply(200, Discovery.OPENAPI_V2_PROTOBUF, Discovery.openApiV2(), Map.of());
        }
        return discovery
                .document(path, address)
                .map(d -> Reply.json(200, d))
                .orElseGet(() -> Reply.status(404, "the server could not find the requested resource"));
    }
}
