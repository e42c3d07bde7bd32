package io.jenkins.plugins.bluegreen.core;

/**
 * What {@link BlueGreen#abandonIfDeployedBy} did.
 *
 * @param liveColor  the colour that serves traffic (never changed by it)
 * @param abandoned  the holder's release that was scaled to zero, or null when none was in flight
 * @param nothingWhy why nothing was changed, or null when something was abandoned
 */
public record OwnAbandonResult(String app, Color liveColor, AbandonResult abandoned, String nothingWhy) {

    public boolean abandonedSomething() {
        return abandoned != null;
    }
}
