package hudson.util;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

// Behaviour kept: offline tests find the plugin's threads by name.
public final class NamingThreadFactory implements ThreadFactory {
    private final ThreadFactory base;
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    public NamingThreadFactory(ThreadFactory delegate, String name) {
        this.base = delegate;
        this.prefix = name;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread thread = base.newThread(r);
        thread.setName(prefix + " [#" + count.incrementAndGet() + "]");
        return thread;
    }
}
