package hudson.util;

import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;

// Behaviour kept: offline tests run the plugin's pools, whose threads must not keep a JVM alive.
public class DaemonThreadFactory implements ThreadFactory {
    private final ThreadFactory base;

    public DaemonThreadFactory() {
        this(Executors.defaultThreadFactory());
    }

    public DaemonThreadFactory(ThreadFactory core) {
        this.base = core;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread thread = base.newThread(r);
        thread.setDaemon(true);
        return thread;
    }
}
