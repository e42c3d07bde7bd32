package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * One fabric8 informer with many subscribers. Every event goes only to the subscribers interested in that object
 * (a wait for one Deployment is not woken by another's pods), so a busy namespace does not make every wait
 * re-evaluate. Started by the first subscriber, stopped when the last one leaves. Used by {@link SharedWatches} only.
 */
final class SharedInformer<T extends HasMetadata> implements ResourceEventHandler<T> {
    /** Pods are indexed by each of their labels ("key=value"), so a wait finds its colour's pods without a scan. */
    static final String LABEL_INDEX = "bluegreen-label";

    private final String namespace;
    private final SharedIndexInformer<T> informer;
    private final Consumer<SharedInformer<?>> onStop;
    private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
    private CompletableFuture<Void> started;
    private boolean stopped;

    SharedInformer(String namespace, SharedIndexInformer<T> informer, Consumer<SharedInformer<?>> onStop) {
        this.namespace = namespace;
        this.informer = informer;
        this.onStop = onStop;
        informer.addEventHandler(this);
    }

    /**
     * Adds a subscriber, starting the informer for the first; null when this informer has already stopped (its
     * last subscriber just left), so the caller starts a fresh one.
     */
    synchronized WatchSubscription<T> subscribe(Predicate<T> interested, Runnable onChange) {
        if (stopped) {
            return null;
        }
        Subscriber subscriber = new Subscriber(interested, onChange);
        subscribers.add(subscriber);
        if (started == null) {
            started = informer.start().toCompletableFuture();
            started.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    stop(); // the next subscriber tries afresh rather than inheriting a dead informer
                }
            });
        }
        return subscriber;
    }

    private void unsubscribe(Subscriber subscriber) {
        synchronized (this) {
            // deciding "last" and marking stopped together: a concurrent subscribe either comes before (and keeps
            // the informer alive) or sees it stopped and starts a new one
            if (!subscribers.remove(subscriber) || !subscribers.isEmpty() || stopped) {
                return;
            }
            stopped = true;
        }
        onStop.accept(this);
        informer.stop();
    }

    void stop() {
        synchronized (this) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        onStop.accept(this);
        informer.stop();
    }

    @Override
    public void onAdd(T obj) {
        notify(obj, null);
    }

    @Override
    public void onUpdate(T oldObj, T newObj) {
        notify(newObj, oldObj);
    }

    @Override
    public void onDelete(T obj, boolean deletedFinalStateUnknown) {
        notify(obj, null);
    }

    private void notify(T obj, T previous) {
        for (Subscriber subscriber : subscribers) {
            if (subscriber.interested.test(obj) || (previous != null && subscriber.interested.test(previous))) {
                subscriber.onChange.run();
            }
        }
    }

    private final class Subscriber implements WatchSubscription<T> {
        private final Predicate<T> interested;
        private final Runnable onChange;

        private Subscriber(Predicate<T> interested, Runnable onChange) {
            this.interested = interested;
            this.onChange = onChange;
        }

        @Override
        public CompletionStage<Void> started() {
            synchronized (SharedInformer.this) {
                return started;
            }
        }

        @Override
        public CompletionStage<Void> stopped() {
            return informer.stopped();
        }

        @Override
        public boolean hasSynced() {
            return informer.hasSynced();
        }

        @Override
        public T get(String name) {
            return informer.getStore().getByKey(Cache.namespaceKeyFunc(namespace, name));
        }

        @Override
        public List<T> withLabel(String key, String value) {
            return informer.getIndexer().byIndex(LABEL_INDEX, key + "=" + value);
        }

        @Override
        public void close() {
            unsubscribe(this);
        }
    }
}
