package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import java.util.Optional;

/**
 * What an operation asks of the {@link DeployLock}.
 *
 * @param lockWait      how long to wait for another holder (null: not at all)
 * @param takesBackFrom a holder whose lock is taken as if it were free (null: none)
 * @param stamped       a colour whose {@link LockStamp} may prove a short tenure without reading the Lease, with the
 *                      Service read beside it (null: none)
 */
record LockAsk(
        App app,
        String holder,
        Tenure tenure,
        Duration lockWait,
        String takesBackFrom,
        Deployment stamped,
        Service service) {
    static LockAsk of(App app, String holder, Tenure tenure, Duration lockWait) {
        return new LockAsk(app, holder, tenure, lockWait, null, null, null);
    }

    LockAsk takingBackFrom(String previous) {
        return new LockAsk(app, holder, tenure, lockWait, previous, stamped, service);
    }

    LockAsk provenBy(Optional<Deployment> colour, Service read) {
        return new LockAsk(app, holder, tenure, lockWait, takesBackFrom, colour.orElse(null), read);
    }

    /** How an operation holds the lock. */
    enum Tenure {
        /** One that may await a rollout: an own lock is renewed. */
        LONG,
        /** A switch, an abandon: an own lock with more than {@link DeployLock#SHORT_OPERATION_MARGIN} left is used as it is. */
        SHORT,
        /** A short one that usually finds the lock free: taken with one patch tested on a free holder, no read. */
        SHORT_USUALLY_FREE,
        /** Whoever holds it: the previous holder is named in a warning and its lock stamps are voided. */
        TAKE_OVER
    }
}
