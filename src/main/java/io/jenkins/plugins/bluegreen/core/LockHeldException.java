package io.jenkins.plugins.bluegreen.core;

/** Another holder has the per-app lock (Lease {@code <app>-bluegreen}) and did not release it in time. */
public class LockHeldException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final LockInfo lock;

    public LockHeldException(LockInfo lock, String whatToDo) {
        super("app " + lock.app() + " is locked by " + lock.holder() + " (Lease " + lock.leaseName() + ", renewed "
                + lock.renewedAt() + ", expires " + lock.expiresAt() + ") — " + whatToDo);
        this.lock = lock;
    }

    public String holder() {
        return lock.holder();
    }

    public LockInfo lock() {
        return lock;
    }
}
