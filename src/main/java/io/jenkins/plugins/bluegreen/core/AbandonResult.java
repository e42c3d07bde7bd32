package io.jenkins.plugins.bluegreen.core;

/**
 * The idle colour was scaled to zero before any switch; live traffic untouched.
 *
 * @param previousReplicas replicas it had before; 0 when it already had none or did not exist
 */
public record AbandonResult(String app, Color liveColor, Color abandoned, String deployment, int previousReplicas) {}
