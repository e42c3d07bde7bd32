package io.jenkins.plugins.bluegreen.core;

/**
 * A selector write went through and was recorded, but the Service's endpoints did not become the target's ready pods:
 * traffic is wherever the new selector leads, which may be nowhere. The message says where traffic is and the command
 * that moves it back; the operation released its deploy lock so that command can run at once.
 */
public final class TrafficUnconfirmedException extends NotServingException {
    private static final long serialVersionUID = 1L;

    TrafficUnconfirmedException(String service, Color color, String message) {
        super(service, color, message);
    }
}
