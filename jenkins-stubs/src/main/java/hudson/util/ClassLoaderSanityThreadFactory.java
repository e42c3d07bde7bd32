package hudson.util;

import java.util.concurrent.ThreadFactory;

// Behaviour kept: offline tests check that a pool thread made from a build's thread does not keep its class loader.
public class ClassLoaderSanityThreadFactory implements ThreadFactory {
    private final ThreadFactory base;

    public ClassLoaderSanityThreadFactory(ThreadFactory delegate) {
        this.base = delegate;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread thread = base.newThread(r);
        thread.setContextClassLoader(ClassLoaderSanityThreadFactory.class.getClassLoader());
        return thread;
    }
}
