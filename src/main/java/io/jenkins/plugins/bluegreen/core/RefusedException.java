package io.jenkins.plugins.bluegreen.core;

/**
 * The app's state rules the request out right now — the target colour is not ready yet, there is nothing to roll
 * back to — and nothing was written. Unlike {@link InvalidInputException} the request itself is well-formed: the
 * same request can succeed once the app has moved on, so the fronts report it as a failed operation, not bad input.
 */
public class RefusedException extends BlueGreenException {
    private static final long serialVersionUID = 1L;

    public RefusedException(String problem, String fix) {
        super(problem + " — " + fix + " (nothing was changed)");
    }
}
