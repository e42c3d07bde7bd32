package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The watch endpoint, chunked HTTP or WebSocket: without a resourceVersion the current objects
 * come first as ADDED, then the hub's events; Table rows when kubectl asks for them.
 */
final class WatchEndpoint {

    private static final Logger LOG = Logger.getLogger(WatchEndpoint.class.getName());

    private final Vertx vertx;
    private final SimStore store;
    private final WatchHub hub;
    private final ResourceTypes types;
    private final Tables tables;
    private final ExecutorService workers;

    WatchEndpoint(
            Vertx vertx, SimStore store, WatchHub hub, ResourceTypes types, Tables tables, ExecutorService workers) {
        this.vertx = vertx;
        this.store = store;
        this.hub = hub;
        this.types = types;
        this.tables = tables;
        this.workers = workers;
    }

    /** A watch over WebSocket (fabric8's default), opened after {@code delay} (a delay fault). */
    void webSocket(Exchange ex, Duration delay) {
        ex.req()
                .toWebSocket()
                .onSuccess(ws -> {
                    WatchSink sink = WatchSinks.webSocket(ex.ctx(), ws, ex.connection());
                    AtomicReference<WatchHub.Watch> opened = new AtomicReference<>();
                    ws.closeHandler(v -> {
                        if (opened.get() != null) {
                            opened.get().forget();
                        }
                    });
                    // the client may hang up while the watch is being registered: then the close handler found nothing
                    // to forget
                    Runnable open = () -> workers.execute(() -> {
                        WatchHub.Watch w = openWatch(ex, sink);
                        opened.set(w);
                        if (w != null && ws.isClosed()) {
                            w.forget();
                        }
                    });
                    if (delay.isZero()) {
                        open.run();
                    } else {
                        vertx.setTimer(delay.toMillis(), id -> open.run());
                    }
                })
                .onFailure(e -> LOG.log(Level.FINE, "WebSocket upgrade failed", e));
    }

    /** A watch over chunked HTTP (kubectl, HTTP-only clients). */
    void chunked(Exchange ex) {
        ex.ctx().runOnContext(v -> {
            var resp = ex.req().response();
            resp.setChunked(true).setStatusCode(200).putHeader("Content-Type", MediaTypes.JSON);
            resp.write(WatchSinks.empty()); // sends the headers now: clients wait for them to call the watch open
            WatchSink sink = WatchSinks.chunked(ex.ctx(), resp, ex.connection());
            workers.execute(() -> {
                WatchHub.Watch w = openWatch(ex, sink);
                if (w != null) {
                    ex.ctx().runOnContext(x -> {
                        resp.closeHandler(y -> w.forget());
                        if (resp.closed()) { // hung up while the watch was being registered
                            w.forget();
                        }
                    });
                }
            });
        });
    }

    private WatchHub.Watch openWatch(Exchange ex, WatchSink sink) {
        WatchRequest request = WatchRequest.of(ex.api(), ex.params());
        WatchSink out = Tables.wanted(ex.header("Accept"))
                ? tableSink(
                        sink,
                        types.find(
                                        ex.api().group(),
                                        ex.api().version(),
                                        ex.api().plural())
                                .orElse(null))
                : sink;
        WatchHub.Watch w;
        if (request.resourceVersion() == null) {
            SimStore.Reply list =
                    store.call(HttpMethod.GET, request.listPath(ex.api().version()), null, null);
            JsonNode listed = Json.parse(list.body());
            List<String> items = new ArrayList<>();
            for (JsonNode item : listed.path("items")) {
                if ((request.name() == null
                                || request.name()
                                        .equals(item.path("metadata")
                                                .path("name")
                                                .asText()))
                        && request.labels().matches(SimStore.labels(item))) {
                    items.add(item.toString());
                }
            }
            w = hub.startFrom(
                    request,
                    out,
                    items,
                    listed.path("metadata").path("resourceVersion").asLong(0));
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
                JsonNode event = Json.parse(eventJson);
                if (event.path("type").asText().equals("ERROR")) {
                    sink.send(eventJson);
                } else {
                    sink.send(
                            WatchHub.event(event.path("type").asText(), tables.renderOne(type, event.path("object"))));
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
}
