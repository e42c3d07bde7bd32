package io.jenkins.plugins.bluegreen.kubesim;

/** Where a watch's events go: a chunked HTTP response or a WebSocket. */
interface WatchSink {

    /** Sends one watch event ({"type":..,"object":..}) without blocking. */
    void send(String eventJson);

    /** Ends the watch cleanly (timeoutSeconds reached, server closing). */
    void end();

    /** Drops the connection abruptly, as a network failure or API server restart would. */
    void drop();
}
