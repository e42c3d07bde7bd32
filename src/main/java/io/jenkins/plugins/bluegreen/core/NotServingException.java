package io.jenkins.plugins.bluegreen.core;

/**
 * The live Service does not give users the ready pods of the colour it is meant to serve: judged from its
 * EndpointSlices after a selector write (or when nothing was to be written), not from a Deployment's status. The
 * message names the cause (e.g. a selector key no pod of that colour carries) and what the Service selects now.
 */
public class NotServingException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final String service;
    private final Color color;

    public NotServingException(String service, Color color, String message) {
        super(message);
        this.service = service;
        this.color = color;
    }

    /** The live Service. */
    public String service() {
        return service;
    }

    /** The colour it should serve. */
    public Color color() {
        return color;
    }
}
