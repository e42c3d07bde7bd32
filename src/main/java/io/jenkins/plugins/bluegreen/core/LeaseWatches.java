package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.function.Consumer;

/**
 * One watch per Lease for every caller of a client that waits for that lock without a thread
 * ({@link BlueGreen#awaitLockChangeAsync}): fifty builds waiting for one app's lock hold one watch connection, not
 * fifty. A watch on one name needs only the {@code watch} verb (an informer would also need {@code list}). Opened by
 * the first listener, closed with the last; a watch that breaks tells every listener (null) and is forgotten, so the
 * next listener opens a fresh one.
 */
final class LeaseWatches {
    private record Key(String namespace, String name) {}

    private final KubernetesClient client;
    private final Map<Key, Shared> watches = new HashMap<>();

    LeaseWatches(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Calls {@code listener} with the Lease on each event of it (null when it was deleted or the watch broke), on
     * fabric8's thread, until the returned handle is closed.
     */
    AutoCloseable listen(String namespace, String name, Consumer<Lease> listener) {
        Key key = new Key(namespace, name);
        Shared shared;
        synchronized (this) {
            shared = watches.computeIfAbsent(key, k -> new Shared(k));
            shared.listeners.add(listener);
        }
        try {
            shared.open(); // outside this monitor: opening waits for the API server
        } catch (RuntimeException e) {
            remove(key, shared, listener);
            throw e;
        }
        return () -> remove(key, shared, listener);
    }

    /** Open watches (tests). */
    synchronized int open() {
        return watches.size();
    }

    private void remove(Key key, Shared shared, Consumer<Lease> listener) {
        boolean last;
        synchronized (this) {
            shared.listeners.remove(listener);
            last = shared.listeners.isEmpty() && watches.remove(key, shared);
        }
        if (last) {
            shared.close();
        }
    }

    private final class Shared implements Watcher<Lease> {
        private final Key key;
        private final Set<Consumer<Lease>> listeners = new CopyOnWriteArraySet<>();
        private Watch watch;
        private boolean closed;

        Shared(Key key) {
            this.key = key;
        }

        synchronized void open() {
            if (watch == null && !closed) {
                watch = client.leases()
                        .inNamespace(key.namespace())
                        .withName(key.name())
                        .watch(this);
            }
        }

        synchronized void close() {
            closed = true;
            if (watch != null) {
                watch.close();
            }
        }

        @Override
        public void eventReceived(Action action, Lease lease) {
            listeners.forEach(l -> l.accept(action == Action.DELETED ? null : lease));
        }

        @Override
        public void onClose(WatcherException cause) {
            synchronized (LeaseWatches.this) {
                watches.remove(key, this);
            }
            listeners.forEach(l -> l.accept(null)); // read again rather than trust a broken watch
        }
    }
}
