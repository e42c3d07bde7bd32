package io.jenkins.plugins.bluegreen.kubesim;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.ServerWebSocket;

/**
 * The two ways a watch reaches its client. Writes hop onto the connection's event loop, in order,
 * so the hub can publish from any thread without blocking.
 */
final class WatchSinks {

    private WatchSinks() {}

    /** Newline-delimited JSON events on a chunked HTTP response (kubectl, HTTP-only clients). */
    static WatchSink chunked(Context ctx, HttpServerResponse response, HttpConnection connection) {
        return new WatchSink() {
            @Override
            public void send(String eventJson) {
                ctx.runOnContext(v -> {
                    if (!response.ended() && !response.closed()) {
                        response.write(eventJson + "\n");
                    }
                });
            }

            @Override
            public void end() {
                ctx.runOnContext(v -> {
                    if (!response.ended() && !response.closed()) {
                        response.end();
                    }
                });
            }

            @Override
            public void drop() {
                ctx.runOnContext(v -> connection.close());
            }
        };
    }

    /** One text message per event (fabric8's default watch transport). */
    static WatchSink webSocket(Context ctx, ServerWebSocket ws, HttpConnection connection) {
        return new WatchSink() {
            @Override
            public void send(String eventJson) {
                ctx.runOnContext(v -> {
                    if (!ws.isClosed()) {
                        ws.writeTextMessage(eventJson);
                    }
                });
            }

            @Override
            public void end() {
                ctx.runOnContext(v -> {
                    if (!ws.isClosed()) {
                        ws.close((short) 1000, "watch ended");
                    }
                });
            }

            @Override
            public void drop() {
                ctx.runOnContext(v -> connection.close());
            }
        };
    }

    static Buffer empty() {
        return Buffer.buffer();
    }
}
