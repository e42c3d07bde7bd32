package io.jenkins.plugins.bluegreen.core;

/**
 * Where an operation reports what it does. Core never writes to stdout: the CLI prints these, the
 * Jenkins plugin adapts them to its TaskListener. Calls may come from any thread (watch callbacks
 * included), so implementations must be thread-safe and must not block.
 */
public interface ReleaseListener {

    /** A listener that discards everything. */
    ReleaseListener NONE = new ReleaseListener() {};

    /** A step was taken or a decision was made, e.g. "created Deployment myapp-green". */
    default void info(String message) {}

    /** Rollout progress of a colour, e.g. "myapp-green: 7/10 ready"; only sent when it changed. */
    default void progress(HealthProgress progress) {}

    /** Something the user should know but that does not stop the operation, e.g. a lock take-over. */
    default void warn(String message) {}
}
