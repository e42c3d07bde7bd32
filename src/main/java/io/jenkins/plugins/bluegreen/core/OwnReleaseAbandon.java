package io.jenkins.plugins.bluegreen.core;

import java.util.Optional;

/**
 * The cleanup a pipeline runs after a failure: abandon the release THIS holder deployed, if one is in flight, and
 * otherwise change nothing. Unlike a rollback it never moves traffic, and unlike a bare abandon it never scales down
 * an idle colour someone else deployed (or the previous release kept for a fast rollback) just because the lock
 * happened to be free. The proof that the idle colour is the holder's: the deploy's announcement on the Service
 * names the holder and the idle colour ({@link DeployAnnouncement}), or the idle Deployment carries the holder's lock
 * stamp with no traffic change since ({@link LockStamp}).
 */
final class OwnReleaseAbandon {
    private final EngineContext context;
    private final DeployLock lock;

    OwnReleaseAbandon(EngineContext context, DeployLock lock) {
        this.context = context;
        this.lock = lock;
    }

    OwnAbandonResult abandon(App app, String holder, String service) {
        InputValidation.holder(holder);
        AppState state = AppState.read(context, app, service).requireAdopted();
        Color idle = state.idleColor();
        if (!announcedBy(state, holder, idle) && !stampedBy(state, holder, idle)) {
            String why = "no release of " + holder + " is in flight for " + app + " (no deploy announcement or lock "
                    + "stamp of it on the idle colour " + idle + "); nothing was changed, " + state.liveColor()
                    + " stays live";
            context.listener().info(why);
            return new OwnAbandonResult(app.name(), state.liveColor(), null, why);
        }
        AbandonResult abandoned = new Abandon(context, lock).abandon(app, holder);
        return new OwnAbandonResult(app.name(), abandoned.liveColor(), abandoned, null);
    }

    private static boolean announcedBy(AppState state, String holder, Color idle) {
        String value = DeployAnnouncement.on(state.service());
        if (value == null) {
            return false;
        }
        String[] parts = value.split(";", 3); // color=..;since=..;holder=.. — the holder last, it may contain ';'
        return parts.length == 3 && parts[0].equals("color=" + idle.label()) && parts[2].equals("holder=" + holder);
    }

    private static boolean stampedBy(AppState state, String holder, Color idle) {
        Optional<LockStamp> stamp = state.deployment(idle).flatMap(LockStamp::on);
        return stamp.isPresent()
                && stamp.get().holder().equals(holder)
                && stamp.get().historyHead().equals(LockStamp.historyHead(state.service()));
    }
}
