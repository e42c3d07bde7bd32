package io.jenkins.plugins.bluegreen.core;

import java.time.Instant;

/**
 * A deploy would overwrite the colour a switch kept for a rollback while its rollback window (until that colour's
 * scheduled scale-down) is open. Nothing was written; the message names the window's end and the ways on: deploy
 * after it, wait for it with a lock wait that reaches past it, or replace the rollback target on purpose.
 */
public class RollbackWindowOpenException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final Instant windowEnd;

    public RollbackWindowOpenException(String message, Instant windowEnd) {
        super(message);
        this.windowEnd = windowEnd;
    }

    public Instant windowEnd() {
        return windowEnd;
    }
}
