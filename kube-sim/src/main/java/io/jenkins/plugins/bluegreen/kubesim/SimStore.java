package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.server.mock.KubernetesAttributesExtractor;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.crud.Attribute;
import io.fabric8.mockwebserver.crud.AttributeSet;
import io.fabric8.mockwebserver.crud.AttributeType;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;

/**
 * fabric8's CRUD store with the two hooks kube-sim needs: every applied change is published as a
 * {@link StoreEvent} (to the watch hub and the controllers), and built-in kinds that have a status
 * subresource in Kubernetes get one here too, so a client's PUT or PATCH of a Deployment's spec
 * keeps the status the controllers wrote.
 */
final class SimStore extends KubernetesCrudDispatcher {

    /** Kinds whose main endpoint ignores status, as in Kubernetes. */
    private static final Set<String> STATUS_SUBRESOURCE =
            Set.of("deployments", "replicasets", "statefulsets", "daemonsets", "pods", "horizontalpodautoscalers");

    private final ObjectMapper mapper = Json.mapper();
    private final List<Consumer<StoreEvent>> listeners = new CopyOnWriteArrayList<>();
    /**
     * plural/namespace/name → store keys. The store finds an object for every write by scanning all
     * keys; with thousands of pods that scan dominated the sim's cost, so writes look here instead.
     */
    private final Map<String, Set<AttributeSet>> index = new ConcurrentHashMap<>();

    /**
     * The store's write lock, captured through its {@link #locked} hook on the first write: every
     * write takes it and reports it there. An object to replace exists only after a write, so
     * {@link #replaceDirect} always finds it set.
     */
    private volatile Lock writeLock;

    /**
     * Set while this thread runs a dry-run write: the store's own handlers check and compute the change
     * exactly as for a real write, and {@link #processEvent} then drops it — nothing stored, no event.
     */
    private final ThreadLocal<Boolean> dryRunning = ThreadLocal.withInitial(() -> Boolean.FALSE);

    @Override
    protected void locked(Lock lock) {
        if (writeLock == null && lock instanceof ReentrantReadWriteLock.WriteLock) {
            writeLock = lock;
        }
    }

    /**
     * Replaces an existing object without the store's JSON diffing, which compares arrays by longest
     * common subsequence and costs seconds for an Endpoints object listing a thousand pods.
     * Semantics match a PUT from a controller: the resourceVersion in {@code updated} must be current
     * (else false, a conflict), server-owned metadata is kept, and an unchanged object is not
     * rewritten. Only for kinds without a status subresource or generation-worthy spec.
     */
    boolean replaceDirect(String path, ObjectNode updated) {
        Lock writeLock = this.writeLock;
        if (writeLock == null) {
            return false; // nothing was ever written, so there is nothing to replace
        }
        writeLock.lock();
        try {
            AttributeSet key = getKey(path);
            Map.Entry<AttributeSet, String> current = findResource(key);
            if (current == null) {
                return false;
            }
            ObjectNode before = (ObjectNode) mapper.readTree(current.getValue());
            JsonNode beforeMeta = before.path("metadata");
            ObjectNode meta = updated.withObjectProperty("metadata");
            if (!beforeMeta
                    .path("resourceVersion")
                    .asText()
                    .equals(meta.path("resourceVersion").asText())) {
                return false;
            }
            for (String f : List.of("uid", "creationTimestamp", "generation", "namespace")) {
                if (beforeMeta.has(f)) {
                    meta.set(f, beforeMeta.get(f));
                }
            }
            if (before.equals(updated)) {
                return true;
            }
            meta.put("resourceVersion", String.valueOf(requestResourceVersion()));
            processEvent(path, key, current.getKey(), null, mapper.writeValueAsString(updated));
            return true;
        } catch (JsonProcessingException e) {
            return false;
        } finally {
            writeLock.unlock();
        }
    }

    /** A response from the store, as the front server or a controller sees it. */
    record Reply(int code, String body) {
        boolean ok() {
            return code >= 200 && code < 300;
        }
    }

    void addListener(Consumer<StoreEvent> listener) {
        listeners.add(listener);
    }

    /** Runs a request against the store in-process: no HTTP, no counters, no faults. */
    Reply call(HttpMethod method, String path, String contentType, String body) {
        Headers.Builder headers = Headers.builder();
        if (contentType != null) {
            headers.add("Content-Type", contentType);
        }
        Buffer buffer = new Buffer();
        if (body != null) {
            buffer.writeUtf8(body);
        }
        MockResponse response = dispatch(new RecordedRequest("HTTP/1.1", method, path, headers.build(), buffer));
        if (response == null) {
            return new Reply(405, null);
        }
        Buffer out = response.getBody();
        return new Reply(response.code(), out == null ? null : out.readUtf8());
    }

    /**
     * Runs a write as {@code dryRun=All}: the same checks (existence, resourceVersion conflicts, status
     * subresource) and the same answer, but nothing is stored and no watch or controller hears of it.
     * The answer carries the stored object's resourceVersion (none for a create), as the API server's.
     */
    Reply write(boolean dryRun, HttpMethod method, String path, String contentType, String body) {
        return dryRun ? dryRunCall(method, path, contentType, body) : call(method, path, contentType, body);
    }

    Reply dryRunCall(HttpMethod method, String path, String contentType, String body) {
        String storedVersion = null;
        if (method != HttpMethod.POST) {
            Reply current = call(HttpMethod.GET, stripStatus(path), null, null);
            storedVersion = current.ok()
                    ? Json.parse(current.body())
                            .path("metadata")
                            .path("resourceVersion")
                            .asText(null)
                    : null;
        }
        Reply reply;
        dryRunning.set(Boolean.TRUE);
        try {
            reply = call(method, path, contentType, body);
        } finally {
            dryRunning.remove();
        }
        if (!reply.ok() || reply.body() == null || method == HttpMethod.DELETE) {
            return reply;
        }
        JsonNode answer = Json.parse(reply.body());
        if (answer instanceof ObjectNode object && object.path("metadata") instanceof ObjectNode meta) {
            if (storedVersion == null) {
                meta.remove("resourceVersion");
            } else {
                meta.put("resourceVersion", storedVersion);
            }
            return new Reply(reply.code(), object.toString());
        }
        return reply;
    }

    private static String stripStatus(String path) {
        String p = stripQuery(path);
        return p.endsWith("/status") ? p.substring(0, p.length() - "/status".length()) : p;
    }

    /** Every stored object's JSON, for reset. */
    List<String> allObjects() {
        synchronized (map) {
            return new ArrayList<>(map.values());
        }
    }

    @Override
    public boolean isStatusSubresourceEnabledForResource(String path) {
        return ApiPath.parse(stripQuery(path))
                        .map(p -> STATUS_SUBRESOURCE.contains(p.plural()))
                        .orElse(false)
                || super.isStatusSubresourceEnabledForResource(path);
    }

    @Override
    public Map.Entry<AttributeSet, String> findResource(AttributeSet attributes) {
        String key = indexKey(attributes);
        if (key == null) {
            return super.findResource(attributes);
        }
        for (AttributeSet candidate : index.getOrDefault(key, Set.of())) {
            String value = map.get(candidate);
            if (value != null && candidate.matches(attributes)) {
                return new AbstractMap.SimpleImmutableEntry<>(candidate, value);
            }
        }
        return null;
    }

    private static String indexKey(AttributeSet a) {
        Attribute plural = a.getAttribute(KubernetesAttributesExtractor.PLURAL);
        Attribute name = a.getAttribute(KubernetesAttributesExtractor.NAME);
        Attribute ns = a.getAttribute(KubernetesAttributesExtractor.NAMESPACE);
        if (plural == null
                || name == null
                || plural.getType() != AttributeType.WITH
                || name.getType() != AttributeType.WITH) {
            return null;
        }
        return value(plural) + "/" + (ns == null ? "" : value(ns)) + "/" + value(name);
    }

    private static String value(Attribute a) {
        return String.valueOf(a.getValues().iterator().next());
    }

    @Override
    public void reset() {
        super.reset();
        index.clear();
    }

    @Override
    public void processEvent(
            String path,
            AttributeSet pathAttributes,
            AttributeSet oldAttributes,
            GenericKubernetesResource resource,
            String newState) {
        if (dryRunning.get()) {
            return; // a dry run: checked and computed, never applied
        }
        // runs under the store's write lock: listeners see changes in resourceVersion order
        String before = oldAttributes == null ? null : map.get(oldAttributes);
        super.processEvent(path, pathAttributes, oldAttributes, resource, newState);
        reindex(pathAttributes, oldAttributes, resource, newState);
        if (Objects.equals(before, newState) || listeners.isEmpty()) {
            return;
        }
        ApiPath apiPath = ApiPath.parse(stripQuery(path)).orElse(null);
        if (apiPath == null) {
            return;
        }
        StoreEvent event = toEvent(apiPath, before, newState);
        if (event != null) {
            listeners.forEach(l -> l.accept(event));
        }
    }

    // mirrors how the store computes the key it stored the new state under
    private void reindex(
            AttributeSet pathAttributes,
            AttributeSet oldAttributes,
            GenericKubernetesResource resource,
            String newState) {
        if (oldAttributes != null) {
            String oldKey = indexKey(oldAttributes);
            if (oldKey != null) {
                index.computeIfPresent(oldKey, (k, set) -> {
                    set.remove(oldAttributes);
                    return set.isEmpty() ? null : set;
                });
            }
        }
        if (newState != null) {
            KubernetesAttributesExtractor extractor = (KubernetesAttributesExtractor) getAttributeExtractor();
            AttributeSet added = resource != null ? extractor.extract(resource) : extractor.fromResource(newState);
            if (!added.containsKey(KubernetesAttributesExtractor.PLURAL)) {
                added = AttributeSet.merge(pathAttributes, added);
            }
            String newKey = indexKey(added);
            if (newKey != null && map.containsKey(added)) {
                index.computeIfAbsent(newKey, k -> ConcurrentHashMap.newKeySet())
                        .add(added);
            }
        }
    }

    private StoreEvent toEvent(ApiPath path, String before, String after) {
        try {
            ObjectNode old = before == null ? null : (ObjectNode) mapper.readTree(before);
            String type;
            ObjectNode object;
            String json;
            if (after == null) {
                type = "DELETED";
                object = old;
                // a deletion is a change of its own: give it a fresh resourceVersion, as Kubernetes does
                object.withObjectProperty("metadata").put("resourceVersion", String.valueOf(requestResourceVersion()));
                json = mapper.writeValueAsString(object);
            } else {
                type = before == null ? "ADDED" : "MODIFIED";
                object = (ObjectNode) mapper.readTree(after);
                json = after;
            }
            JsonNode meta = object.path("metadata");
            String ns = meta.path("namespace").asText(null);
            return new StoreEvent(
                    type,
                    path.group(),
                    path.plural(),
                    ns == null || ns.isEmpty() ? null : ns,
                    meta.path("name").asText(),
                    labels(object),
                    old == null ? Map.of() : labels(old),
                    object,
                    json,
                    meta.path("resourceVersion").asLong(0));
        } catch (JsonProcessingException | ClassCastException e) {
            return null;
        }
    }

    static Map<String, String> labels(JsonNode object) {
        Map<String, String> labels = new HashMap<>();
        object.path("metadata")
                .path("labels")
                .properties()
                .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    static String stripQuery(String path) {
        int q = path.indexOf('?');
        return q < 0 ? path : path.substring(0, q);
    }
}
