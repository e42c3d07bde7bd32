package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Cluster clients reused per cluster and credentials, each with its {@link SharedWatches}. Building a client costs
 * class loading and HTTP client set-up, and its first request a new connection; a Jenkins step that built its own
 * would pay that every time and could not share watches with the others. Meant to be owned by whoever outlives the
 * steps (the plugin keeps one; the CLI, one command per process, has no use for it).
 *
 * <p>{@link #connect} hands out a {@link Connection} that must be closed when the step is done with it. A client
 * nobody has used for {@code idleTimeout} is closed on a later {@link #connect} or {@link #evictIdle} (no timer
 * thread); a client in use is never closed. Configurations that cannot be compared safely (see {@link ClusterKey})
 * get a client of their own, closed with the connection. Thread-safe.
 */
public final class ClusterClients implements AutoCloseable {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);

    private final Function<Config, KubernetesClient> factory;
    private final Duration idleTimeout;
    private final Clock clock;
    private final Map<ClusterKey, Entry> entries = new HashMap<>();
    private boolean closed;

    /** Clients built with fabric8's {@link KubernetesClientBuilder}, closed after ten idle minutes. */
    public ClusterClients() {
        this(
                config -> new KubernetesClientBuilder().withConfig(config).build(),
                DEFAULT_IDLE_TIMEOUT,
                Clock.systemUTC());
    }

    /** @param factory builds a client for a configuration (e.g. with a chosen HTTP client) */
    public ClusterClients(Function<Config, KubernetesClient> factory, Duration idleTimeout, Clock clock) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.idleTimeout = Objects.requireNonNull(idleTimeout, "idleTimeout");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A connection to the cluster {@code config} describes, sharing the client of any equal configuration. */
    public Connection connect(Config config) {
        Optional<ClusterKey> key = ClusterKey.of(config);
        List<Entry> idle;
        Entry entry;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("these cluster clients were closed");
            }
            idle = takeIdle();
            if (key.isEmpty()) {
                entry = new Entry(null, factory.apply(config));
            } else {
                entry = entries.get(key.get());
                if (entry == null) {
                    entry = new Entry(key.get(), factory.apply(config));
                    entries.put(key.get(), entry);
                }
            }
            entry.users++;
        }
        idle.forEach(Entry::close);
        return new Connection(entry);
    }

    /** Closes the clients nobody has used for the idle timeout. */
    public void evictIdle() {
        List<Entry> idle;
        synchronized (this) {
            idle = takeIdle();
        }
        idle.forEach(Entry::close);
    }

    /** How many clients are cached now. */
    public synchronized int size() {
        return entries.size();
    }

    /** Closes every cached client, in use or not. */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(entries.values());
            entries.clear();
        }
        all.forEach(Entry::close);
    }

    private List<Entry> takeIdle() {
        Instant now = clock.instant();
        List<Entry> idle = new ArrayList<>();
        entries.values().removeIf(e -> {
            boolean expired = e.users == 0 && !e.idleSince.plus(idleTimeout).isAfter(now);
            if (expired) {
                idle.add(e);
            }
            return expired;
        });
        return idle;
    }

    private synchronized void release(Entry entry) {
        entry.users--;
        entry.idleSince = clock.instant();
        if (entry.key == null) {
            entry.close(); // never shared, so nobody else can be using it
        }
    }

    private static final class Entry {
        private final ClusterKey key;
        private final KubernetesClient client;
        private final SharedWatches watches;
        private int users;
        private Instant idleSince = Instant.MIN;

        private Entry(ClusterKey key, KubernetesClient client) {
            this.key = key;
            this.client = client;
            this.watches = new SharedWatches(client);
        }

        void close() {
            watches.close();
            client.close();
        }
    }

    /** One user's hold on a cached client; close it when done (the client stays cached for others). */
    public final class Connection implements AutoCloseable {
        private final Entry entry;
        private boolean released;

        private Connection(Entry entry) {
            this.entry = entry;
        }

        public KubernetesClient client() {
            return entry.client;
        }

        /** The watches every engine on this client shares. */
        public SharedWatches watches() {
            return entry.watches;
        }

        /** An engine builder on this client and its shared watches, in {@code namespace}. */
        public BlueGreen.Builder engine(String namespace) {
            return BlueGreen.builder(entry.client).namespace(namespace).watches(entry.watches);
        }

        @Override
        public void close() {
            synchronized (ClusterClients.this) {
                if (released) {
                    return;
                }
                released = true;
            }
            release(entry);
        }
    }
}
