package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.zjsonpatch.JsonPatch;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The HTTP(S) front of the sim, on 127.0.0.1 only. It counts every request, applies fault rules,
 * serves discovery, watches (chunked and WebSocket), the scale subresource and the patch types the
 * store lacks, fills in server-side defaults, and hands everything else to the CRUD store.
 */
final class ApiServer {

  private static final Logger LOG = Logger.getLogger(ApiServer.class.getName());
  private static final String JSON = "application/json";

  private final Vertx vertx;
  private final SimStore store;
  private final WatchHub hub;
  private final ClusterCache cache;
  private final ResourceTypes types;
  private final Discovery discovery;
  private final FaultRules faults;
  private final RequestCounters counters;
  private final Defaults defaults;
  private final Tables tables;
  private final Rbac rbac;
  private final ExecutorService workers;
  private final ObjectMapper mapper = Json.mapper();
  private HttpServer server;
  private String address;

  ApiServer(Vertx vertx, SimStore store, WatchHub hub, ClusterCache cache, ResourceTypes types, FaultRules faults,
      RequestCounters counters, Defaults defaults, Rbac rbac, ExecutorService workers) {
    this.vertx = vertx;
    this.store = store;
    this.hub = hub;
    this.cache = cache;
    this.types = types;
    this.discovery = new Discovery(types);
    this.faults = faults;
    this.counters = counters;
    this.defaults = defaults;
    this.tables = new Tables();
    this.rbac = rbac;
    this.workers = workers;
  }

  /** Starts listening; returns the bound port. */
  int start(int port, TlsMaterial tls) {
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port)
        .setMaxWebSocketFrameSize(1 << 20).setMaxWebSocketMessageSize(64 << 20);
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertValue(Buffer.buffer(tls.certificatePem())).setKeyValue(Buffer.buffer(tls.privateKeyPem())));
    }
    try {
      server = vertx.createHttpServer(options).requestHandler(this::handle).listen()
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
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

  /** A request in flight, with what routing needs to know about it. */
  private record Exchange(HttpServerRequest req, Context ctx, HttpConnection connection, String method, String path,
      String query, Map<String, String> params, ApiPath api, boolean watch, String verb, String body,
      Reply badBody, List<MediaTypes.Format> accepted) {

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

    Exchange withTarget(String method, String path, ApiPath api, String verb, String body) {
      return new Exchange(req, ctx, connection, method, path, "", Map.of(), api, false, verb, body, null, accepted);
    }
  }

  /** A response to write; JSON bodies of resource requests are rendered in the format the client accepts. */
  private record Reply(int code, String contentType, String body, Map<String, String> headers) {
    static Reply json(int code, String body) {
      return new Reply(code, JSON, body, Map.of());
    }

    Buffer bytes() {
      return Discovery.OPENAPI_V2_PROTOBUF.equals(contentType) || MediaTypes.PROTOBUF.equals(contentType)
          ? Buffer.buffer(body.getBytes(StandardCharsets.ISO_8859_1))
          : Buffer.buffer(body == null ? "" : body, "UTF-8");
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
    counters.record(verb, path);
    if (watch && "websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
      Exchange ex = new Exchange(req, ctx, req.connection(), method, normalized, query, params, api, true, verb, "",
          null, accepted);
      webSocketWatch(ex);
      return;
    }
    req.body().onComplete(ar -> {
      byte[] raw = ar.succeeded() && ar.result() != null ? ar.result().getBytes() : new byte[0];
      String body;
      Reply badBody = null;
      try {
        body = decodeBody(method, req.getHeader("Content-Type"), raw);
      } catch (BodyException e) {
        body = "";
        badBody = status(e.code, e.getMessage());
      }
      Exchange ex = new Exchange(req, ctx, req.connection(), method, normalized, query, params, api, watch, verb,
          body, badBody, accepted);
      workers.execute(() -> serve(ex));
    });
  }

  /** A request body kube-sim cannot read: 415 for a media type it does not decode, 400 for bad bytes. */
  private static final class BodyException extends Exception {
    private static final long serialVersionUID = 1L;
    final int code;

    BodyException(int code, String message) {
      super(message);
      this.code = code;
    }
  }

  /** The body as JSON (or YAML) text: protobuf bodies of creates and updates are converted here. */
  private static String decodeBody(String method, String contentType, byte[] raw) throws BodyException {
    if (raw.length == 0 || !(method.equals("POST") || method.equals("PUT"))) {
      return new String(raw, StandardCharsets.UTF_8);
    }
    MediaTypes.Format format = MediaTypes.bodyFormat(contentType);
    if (format == null) {
      throw new BodyException(415, "the body of the request was in an unknown format - accepted media types "
          + "include: " + MediaTypes.SUPPORTED);
    }
    if (format != MediaTypes.Format.PROTOBUF) {
      return new String(raw, StandardCharsets.UTF_8);
    }
    try {
      return ProtoCodec.decode(raw, true).toString();
    } catch (ProtoCodec.UnsupportedException e) {
      throw new BodyException(e.getMessage().startsWith("kube-sim has no") ? 415 : 400, e.getMessage());
    }
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

  // ---- faults -------------------------------------------------------------------------------

  /** What the request filter decided: answer now, or serve (under the fault rule that fired, if any). */
  private record Admission(Reply refusal, FaultRule rule) {
  }

  /**
   * The one filter every request passes, HTTP or WebSocket, in a real API server's order:
   * authentication and RBAC, a body it cannot read, a format the client cannot accept, then the
   * faults a test injected (refused watches, fault rules).
   */
  private Admission admit(Exchange ex) {
    Reply refused = authorize(ex);
    if (refused == null && ex.badBody() != null) {
      refused = ex.badBody();
    }
    if (refused == null && notAcceptable(ex)) {
      refused = status(406, "only the following media types are accepted: "
          + (ex.watch() ? MediaTypes.JSON : MediaTypes.SUPPORTED));
    }
    if (refused == null && ex.watch() && faults.takeWatchRefusal()) {
      refused = status(500, "kube-sim refused this watch (faults().refuseWatches)");
    }
    return refused != null ? new Admission(refused, null)
        : new Admission(null, faults.fire(ex.faultRequest()).orElse(null));
  }

  /** Resources are served as JSON, YAML or protobuf; watches as JSON. */
  private static boolean notAcceptable(Exchange ex) {
    if (ex.api() == null || "log".equals(ex.api().subresource())) {
      return false;
    }
    return ex.watch() ? !ex.accepted().contains(MediaTypes.Format.JSON) : ex.accepted().isEmpty();
  }

  private void serve(Exchange ex) {
    try {
      Admission admission = admit(ex);
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
        case RESPOND -> write(ex, faultReply(rule));
        case DELAY -> vertx.setTimer(Math.max(1, rule.delay().toMillis()),
            id -> workers.execute(() -> route(ex, false)));
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
      write(ex, status(500, "kube-sim internal error: " + e));
    }
  }

  /** Authentication and RBAC, as a real API server does them before anything else; null when allowed. */
  private Reply authorize(Exchange ex) {
    Rbac.Refusal refusal = rbac.check(ex.req().getHeader("Authorization"), ex.verb(), ex.api(), ex.params());
    return refusal == null ? null : Reply.json(refusal.code(), refusal.body());
  }

  private static Reply faultReply(FaultRule rule) {
    ObjectNode status = (ObjectNode) Serialization.unmarshal(
        Statuses.json(rule.status(), Statuses.reasonFor(rule.status()), rule.message()), JsonNode.class);
    Map<String, String> headers = new HashMap<>();
    if (rule.retryAfter() != null) {
      long seconds = Math.max(1, (rule.retryAfter().toMillis() + 999) / 1000);
      headers.put("Retry-After", String.valueOf(seconds));
      status.putObject("details").put("retryAfterSeconds", seconds);
    }
    return new Reply(rule.status(), JSON, status.toString(), headers);
  }

  private void webSocketWatch(Exchange ex) {
    Admission admission = admit(ex);
    if (admission.refusal() != null) {
      write(ex, admission.refusal());
      return;
    }
    FaultRule rule = admission.rule();
    if (rule != null && rule.action() == FaultRule.Action.RESPOND) {
      write(ex, faultReply(rule));
      return;
    }
    if (rule != null && rule.action() == FaultRule.Action.DROP_BEFORE_APPLY) {
      drop(ex);
      return;
    }
    Duration delay = rule != null && rule.action() == FaultRule.Action.DELAY ? rule.delay() : Duration.ZERO;
    ex.req().toWebSocket().onSuccess(ws -> {
      WatchSink sink = WatchSinks.webSocket(ex.ctx(), ws, ex.connection());
      AtomicReference<WatchHub.Watch> opened = new AtomicReference<>();
      ws.closeHandler(v -> {
        if (opened.get() != null) {
          opened.get().forget();
        }
      });
      Runnable open = () -> workers.execute(() -> opened.set(openWatch(ex, sink)));
      if (delay.isZero()) {
        open.run();
      } else {
        vertx.setTimer(delay.toMillis(), id -> open.run());
      }
    }).onFailure(e -> LOG.log(Level.FINE, "WebSocket upgrade failed", e));
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
      Reply rendered = render(ex, reply);
      resp.setStatusCode(rendered.code());
      resp.putHeader("Content-Type", rendered.contentType());
      rendered.headers().forEach(resp::putHeader);
      resp.end(rendered.bytes());
    });
  }

  /** A resource's JSON in the first format the client accepts that can carry it (protobuf: known kinds only). */
  private Reply render(Exchange ex, Reply reply) {
    if (ex.api() == null || !JSON.equals(reply.contentType()) || ex.accepted().isEmpty()) {
      return reply;
    }
    for (MediaTypes.Format format : ex.accepted()) {
      switch (format) {
        case JSON -> {
          return reply;
        }
        case YAML -> {
          JsonNode object = parse(reply.body());
          if (object != null) {
            try {
              return new Reply(reply.code(), MediaTypes.YAML, Json.yaml().writeValueAsString(object),
                  reply.headers());
            } catch (Exception e) {
              LOG.log(Level.FINE, "YAML rendering failed", e);
            }
          }
        }
        case PROTOBUF -> {
          JsonNode object = parse(reply.body());
          if (ProtoCodec.canEncode(object)) {
            try {
              return new Reply(reply.code(), MediaTypes.PROTOBUF, new String(ProtoCodec.encode(object),
                  StandardCharsets.ISO_8859_1), reply.headers());
            } catch (ProtoCodec.UnsupportedException | RuntimeException e) {
              LOG.log(Level.WARNING, "protobuf rendering failed for " + ex.path(), e);
            }
          }
        }
        default -> {
        }
      }
    }
    return reply;
  }

  // ---- routing ------------------------------------------------------------------------------

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
    ResourceType type = types.find(p.group(), p.version(), p.plural()).orElse(null);
    if (ex.watch()) {
      chunkedWatch(ex);
      return null;
    }
    if ("scale".equals(p.subresource())) {
      return scale(ex, p, type);
    }
    if ("log".equals(p.subresource())) {
      return new Reply(200, "text/plain", "", Map.of());
    }
    return switch (ex.method()) {
      case "POST" -> create(ex, p, type);
      case "PUT" -> update(ex, p, type);
      case "PATCH" -> patch(ex, p, type);
      case "GET", "HEAD" -> get(ex, p, type);
      case "DELETE" -> fromStore(p, store.call(HttpMethod.DELETE, ex.path(), null, null));
      default -> status(405, "method " + ex.method() + " not allowed");
    };
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
    return discovery.document(path, address).map(d -> Reply.json(200, d))
        .orElseGet(() -> status(404, "the server could not find the requested resource"));
  }

  private Reply create(Exchange ex, ApiPath p, ResourceType type) {
    if (type != null && type.namespaced() && p.namespace() != null && cache.namespace(p.namespace()).isEmpty()) {
      return status(404, "namespaces \"" + p.namespace() + "\" not found");
    }
    ObjectNode obj = parseObject(ex.body());
    if (obj == null) {
      return status(400, "the request body is not a JSON or YAML object");
    }
    if (type != null) {
      try {
        defaults.onCreate(type, obj);
      } catch (Defaults.InvalidException e) {
        return status(422, e.getMessage());
      }
    }
    return fromStore(p, store.call(HttpMethod.POST, ex.path(), JSON, obj.toString()));
  }

  private Reply update(Exchange ex, ApiPath p, ResourceType type) {
    ObjectNode obj = parseObject(ex.body());
    if (obj == null) {
      return status(400, "the request body is not a JSON or YAML object");
    }
    if (type != null && p.subresource() == null) {
      SimStore.Reply current = store.call(HttpMethod.GET, p.objectPath(), null, null);
      try {
        defaults.onUpdate(type, obj, current.ok() ? parse(current.body()) : null);
      } catch (Defaults.InvalidException e) {
        return status(422, e.getMessage());
      }
    }
    return fromStore(p, store.call(HttpMethod.PUT, ex.path(), JSON, obj.toString()));
  }

  private Reply patch(Exchange ex, ApiPath p, ResourceType type) {
    String contentType = ex.header("Content-Type").toLowerCase(Locale.ROOT);
    boolean jsonPatch = contentType.startsWith("application/json-patch+json");
    boolean merge = contentType.startsWith("application/merge-patch+json");
    boolean strategic = contentType.startsWith("application/strategic-merge-patch+json");
    boolean apply = contentType.startsWith("application/apply-patch");
    if (!merge && !strategic && !apply && !jsonPatch) {
      return status(415, "the body of the request was in an unknown format - accepted media types include: "
          + "application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, "
          + "application/strategic-merge-patch+json");
    }
    JsonNode patch = apply ? parseObject(ex.body()) : parse(ex.body());
    if (patch == null || (jsonPatch ? !patch.isArray() : !patch.isObject())) {
      return status(400, jsonPatch ? "the JSON patch is not an array of operations" : "the patch is not a JSON object");
    }
    boolean guarded = jsonPatch ? jsonPatchSetsVersion(patch) : patch.path("metadata").has("resourceVersion");
    for (int attempt = 0; attempt < 10; attempt++) {
      SimStore.Reply current = store.call(HttpMethod.GET, p.objectPath(), null, null);
      if (current.code() == 404 && apply && p.subresource() == null) {
        // server-side apply of a new object: create it
        String collection = p.objectPath().substring(0, p.objectPath().lastIndexOf('/'));
        ApiPath target = ApiPath.parse(collection).orElse(p);
        return create(ex.withTarget("POST", collection, target, "create", patch.toString()), target, type);
      }
      if (!current.ok()) {
        return fromStore(p, current);
      }
      JsonNode before = parse(current.body());
      ObjectNode merged;
      try {
        merged = (ObjectNode) (jsonPatch ? JsonPatch.apply(patch, before)
            : merge ? Patches.merge(before, patch) : Patches.strategic(before, patch));
      } catch (RuntimeException e) {
        return status(422, "the JSON patch could not be applied: " + e.getMessage());
      }
      if (!guarded) {
        merged.withObjectProperty("metadata").put("resourceVersion", before.path("metadata").path("resourceVersion")
            .asText());
      }
      if (type != null && p.subresource() == null) {
        try {
          defaults.onUpdate(type, merged, before);
        } catch (Defaults.InvalidException e) {
          return status(422, e.getMessage());
        }
      }
      SimStore.Reply result = store.call(HttpMethod.PUT, ex.path(), JSON, merged.toString());
      if (result.code() == 409 && !guarded) {
        continue; // someone wrote in between: a real API server retries its own read-modify-write too
      }
      return fromStore(p, result);
    }
    return status(409, "kube-sim could not apply the patch: too many concurrent writes");
  }

  /** A JSON patch that tests or sets metadata.resourceVersion is guarded: no silent retry on conflict. */
  private static boolean jsonPatchSetsVersion(JsonNode ops) {
    for (JsonNode op : ops) {
      if (op.path("path").asText().equals("/metadata/resourceVersion")) {
        return true;
      }
    }
    return false;
  }

  private Reply get(Exchange ex, ApiPath p, ResourceType type) {
    // field selectors are applied here: the store knows metadata.* only, kubectl also selects on
    // other fields (describe: events by involvedObject.*)
    String query = ex.query().replaceAll("(^|&)fieldSelector=[^&]*", "");
    SimStore.Reply reply = store.call(HttpMethod.GET, query.isEmpty() ? ex.path() : ex.path() + "?" + query,
        null, null);
    if (!reply.ok()) {
      return fromStore(p, reply);
    }
    String body = reply.body();
    if (p.isCollection()) {
      body = fixList(body, type, LabelSelector.parse(ex.params().get("labelSelector")),
          FieldSelector.parse(ex.params().get("fieldSelector")));
    }
    if (Tables.wanted(ex.header("Accept")) && type != null) {
      return Reply.json(200, tables.render(type, parse(body)));
    }
    return Reply.json(200, body);
  }

  /** The store says {@code kind: List}; clients expect {@code PodList}. Set-based and field selectors are applied here. */
  private String fixList(String body, ResourceType type, LabelSelector selector, FieldSelector fields) {
    ObjectNode list = (ObjectNode) parse(body);
    if (type != null) {
      list.put("apiVersion", type.apiVersion()).put("kind", type.kind() + "List");
    }
    ((ObjectNode) list.path("metadata")).remove("selfLink");
    if ((selector.isSetBased() || !fields.isEmpty()) && list.get("items") instanceof ArrayNode items) {
      for (int i = items.size() - 1; i >= 0; i--) {
        if (!selector.matches(SimStore.labels(items.get(i))) || !fields.matches(items.get(i))) {
          items.remove(i);
        }
      }
    }
    return list.toString();
  }

  private Reply scale(Exchange ex, ApiPath p, ResourceType type) {
    if (type == null || !type.hasScale()) {
      return status(404, "the server could not find the requested resource");
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      SimStore.Reply current = store.call(HttpMethod.GET, p.objectPath(), null, null);
      if (!current.ok()) {
        return fromStore(p, current);
      }
      ObjectNode target = (ObjectNode) parse(current.body());
      ObjectNode scale = Scales.of(target);
      if (ex.method().equals("GET")) {
        return Reply.json(200, scale.toString());
      }
      JsonNode change = parse(ex.body());
      if (change == null) {
        return status(400, "the request body is not JSON");
      }
      JsonNode wanted;
      String contentType = ex.header("Content-Type");
      if (ex.method().equals("PUT")) {
        wanted = change;
      } else if (contentType.startsWith("application/json-patch+json")) {
        return status(415, "kube-sim serves merge and strategic merge patches on /scale");
      } else {
        wanted = Patches.merge(scale, change);
      }
      String rv = wanted.path("metadata").path("resourceVersion").asText("");
      if (!rv.isEmpty() && !rv.equals(target.path("metadata").path("resourceVersion").asText())) {
        return status(409, "Operation cannot be fulfilled on " + p.plural() + "." + p.group() + " \"" + p.name()
            + "\": the object has been modified; please apply your changes to the latest version and try again");
      }
      target.withObjectProperty("spec").put("replicas", wanted.path("spec").path("replicas").asInt());
      SimStore.Reply result = store.call(HttpMethod.PUT, p.objectPath(), JSON, target.toString());
      if (result.code() == 409 && rv.isEmpty()) {
        continue;
      }
      if (!result.ok()) {
        return fromStore(p, result);
      }
      return Reply.json(200, Scales.of((ObjectNode) parse(result.body())).toString());
    }
    return status(409, "kube-sim could not scale: too many concurrent writes");
  }

  // ---- watches ------------------------------------------------------------------------------

  private void chunkedWatch(Exchange ex) {
    ex.ctx().runOnContext(v -> {
      var resp = ex.req().response();
      resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", JSON);
      resp.write(WatchSinks.empty()); // sends the headers now: clients wait for them to call the watch open
      WatchSink sink = WatchSinks.chunked(ex.ctx(), resp, ex.connection());
      workers.execute(() -> {
        WatchHub.Watch w = openWatch(ex, sink);
        if (w != null) {
          ex.ctx().runOnContext(x -> resp.closeHandler(y -> w.forget()));
        }
      });
    });
  }

  private WatchHub.Watch openWatch(Exchange ex, WatchSink sink) {
    WatchRequest request = WatchRequest.of(ex.api(), ex.params());
    WatchSink out = Tables.wanted(ex.header("Accept"))
        ? tableSink(sink, types.find(ex.api().group(), ex.api().version(), ex.api().plural()).orElse(null))
        : sink;
    WatchHub.Watch w;
    if (request.resourceVersion() == null) {
      SimStore.Reply list = store.call(HttpMethod.GET, request.listPath(ex.api().version()), null, null);
      JsonNode listed = parse(list.body());
      List<String> items = new ArrayList<>();
      for (JsonNode item : listed.path("items")) {
        if ((request.name() == null || request.name().equals(item.path("metadata").path("name").asText()))
            && request.labels().matches(SimStore.labels(item))) {
          items.add(item.toString());
        }
      }
      w = hub.startFrom(request, out, items, listed.path("metadata").path("resourceVersion").asLong(0));
    } else {
      w = hub.resume(request, out);
    }
    if (w != null && request.timeoutSeconds() != null && request.timeoutSeconds() > 0) {
      vertx.setTimer(request.timeoutSeconds() * 1000L, id -> w.end());
    }
    return w;
  }

  /** kubectl asks for Table rows in watches too: render each event's object as a one-row Table. */
  private WatchSink tableSink(WatchSink sink, ResourceType type) {
    if (type == null) {
      return sink;
    }
    return new WatchSink() {
      @Override
      public void send(String eventJson) {
        JsonNode event = parse(eventJson);
        if (event.path("type").asText().equals("ERROR")) {
          sink.send(eventJson);
        } else {
          sink.send(WatchHub.event(event.path("type").asText(), tables.renderOne(type, event.path("object"))));
        }
      }

      @Override
      public void end() {
        sink.end();
      }

      @Override
      public void drop() {
        sink.drop();
      }
    };
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Reply fromStore(ApiPath p, SimStore.Reply reply) {
    int code = reply.code() == 202 ? 200 : reply.code();
    if (reply.ok()) {
      return Reply.json(code, reply.body() == null || reply.body().isEmpty() ? "{}" : reply.body());
    }
    String resource = p.group().isEmpty() ? p.plural() : p.plural() + "." + p.group();
    JsonNode body = reply.body() == null || reply.body().isEmpty() ? null : parse(reply.body());
    if (body == null || !"Status".equals(body.path("kind").asText())) {
      return code == 404 ? status(404, resource + " \"" + (p.name() == null ? "" : p.name()) + "\" not found")
          : status(code, reply.body() == null ? Statuses.reasonFor(code) : reply.body());
    }
    ObjectNode status = (ObjectNode) body;
    String message = status.path("message").asText("");
    // the store calls every failure "Invalid"; clients switch on the reason
    String reason = code == 409 && message.contains("already exists") ? "AlreadyExists" : Statuses.reasonFor(code);
    status.put("reason", reason).put("apiVersion", "v1");
    return Reply.json(code, status.toString());
  }

  private static Reply status(int code, String message) {
    return Reply.json(code, Statuses.json(code, Statuses.reasonFor(code), message));
  }

  private JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return null;
    }
    try {
      return mapper.readTree(body);
    } catch (Exception e) {
      return null;
    }
  }

  /** JSON, or YAML (server-side apply bodies and hand-written requests). */
  private ObjectNode parseObject(String body) {
    JsonNode n = parse(body);
    if (n == null && body != null && !body.isBlank()) {
      try {
        n = Json.yaml().readTree(body);
      } catch (Exception e) {
        return null;
      }
    }
    return n instanceof ObjectNode o ? o : null;
  }
}
