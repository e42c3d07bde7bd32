package io.jenkins.plugins.bluegreen.core;

/**
 * The live Service lost its colour key while both colours run (its manifest was replaced or re-applied without it):
 * it selects both releases at once. Not bad input — a state someone left — so the fronts report a failed operation;
 * a switch that names the colour repairs it.
 */
public final class ColourKeyLostException extends RefusedException {
    private static final long serialVersionUID = 1L;

    ColourKeyLostException(String problem, String fix) {
        super(problem, fix);
    }
}
