package io.jenkins.plugins.bluegreen.core;

import java.util.List;
import java.util.concurrent.CompletionStage;

/** One subscriber's view of a shared informer ({@link SharedWatches}); closing it unsubscribes. */
interface WatchSubscription<T> extends AutoCloseable {
    /** Completes once the informer has listed and watches (at once if it already did); fails if it cannot. */
    CompletionStage<Void> started();

    /** Completes exceptionally when the informer stops for good on an error. */
    CompletionStage<Void> stopped();

    boolean hasSynced();

    /** The object with this name, from the informer's cache. */
    T get(String name);

    /** The cached objects carrying label {@code key=value} (pods only), for the caller to filter further. */
    List<T> withLabel(String key, String value);

    @Override
    void close();
}
