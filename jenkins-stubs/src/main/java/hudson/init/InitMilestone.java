package hudson.init;

// The constants the plugin and the stubs mention; the real enum has more between them.
public enum InitMilestone {
    STARTED,
    JOB_LOADED
}
