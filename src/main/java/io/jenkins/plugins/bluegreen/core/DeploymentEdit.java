package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Optional;

/**
 * What {@link Cluster#edit} did: the copy its last decision was made on, and the Deployment as stored when that
 * decision was written. A caller learns from this, not from state its decision function set aside.
 *
 * @param decidedOn the Deployment as read for the last decision; null when it does not exist
 * @param written   the Deployment as stored by the edit; null when the decision was "nothing to do" (or it is gone)
 */
record DeploymentEdit(Deployment decidedOn, Deployment written) {

    boolean wasWritten() {
        return written != null;
    }

    /** The Deployment as it now is to the best of the edit's knowledge: as written, else as last read. */
    Optional<Deployment> current() {
        return Optional.ofNullable(written != null ? written : decidedOn);
    }
}
