package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer-token authentication and RBAC authorization, as a real API server does them; off unless the sim was built
 * with {@link KubeSim.Builder#rbac(boolean)}. Tokens map to a user and groups; each resource request is checked
 * against the Role/Binding objects in the store with Kubernetes' matching rules and 403 Status. {@link #ADMIN_TOKEN}
 * is never checked, so fixtures set up as before. What is and is not simulated: kube-sim/README.md, "Authentication
 * and RBAC".
 */
public final class Rbac {

    /**
     * The administrator's token: group {@code system:masters}, allowed everything. Not just "kube-sim", the name of the
     * kubeconfig's cluster, user and context: a client that masks its token in output would mask those names too.
     */
    public static final String ADMIN_TOKEN = "kube-sim-admin-token";

    public static final String ADMIN_USER = "kube-sim-admin";
    private static final String MASTERS = "system:masters";
    private static final String GROUP = "rbac.authorization.k8s.io";
    private static final String PREFIX = "/apis/" + GROUP + "/v1";
    private static final int MAX_DECISIONS = 100_000;

    /**
     * One authorization decision, as the API server's audit log would record it.
     *
     * @param subresource e.g. {@code scale}, or null
     * @param namespace   null for cluster-scoped requests
     * @param name        the object's name; for list and watch the {@code metadata.name} field selector; else null
     */
    public record Decision(
            String user,
            String verb,
            String apiGroup,
            String resource,
            String subresource,
            String namespace,
            String name,
            boolean allowed) {

        /** {@code deployments} or {@code deployments/scale}, as RBAC rules name it. */
        public String rbacResource() {
            return subresource == null ? resource : resource + "/" + subresource;
        }
    }

    /** Who a token authenticates as. */
    record Identity(String user, Set<String> groups) {}

    /** A refused request: the status code and the {@code kind: Status} body to answer with. */
    record Refusal(int code, String body) {}

    private final boolean enabled;
    private final SimStore store;
    private final Map<String, Identity> tokens = new ConcurrentHashMap<>();
    private final List<Decision> decisions = new ArrayList<>();
    private final SecureRandom random = new SecureRandom();

    Rbac(boolean enabled, SimStore store) {
        this.enabled = enabled;
        this.store = store;
        tokens.put(ADMIN_TOKEN, new Identity(ADMIN_USER, Set.of(MASTERS, "system:authenticated")));
    }

    /** Whether requests are authenticated and authorized at all. */
    public boolean enabled() {
        return enabled;
    }

    /**
     * A new random token for ServiceAccount {@code name} in {@code namespace} (the ServiceAccount object need not
     * exist); its user is {@code system:serviceaccount:<namespace>:<name>}, in the groups a real cluster gives it.
     */
    public String serviceAccountToken(String namespace, String name) {
        String token = newToken();
        tokens.put(
                token,
                new Identity(
                        "system:serviceaccount:" + namespace + ":" + name,
                        Set.of(
                                "system:serviceaccounts",
                                "system:serviceaccounts:" + namespace,
                                "system:authenticated")));
        return token;
    }

    /** A new random token for {@code user} in {@code groups} (plus {@code system:authenticated}). */
    public String userToken(String user, String... groups) {
        String token = newToken();
        addToken(token, user, groups);
        return token;
    }

    /** Registers a token of one's choosing, e.g. one planted in a kubeconfig to check it never leaks. */
    public void addToken(String token, String user, String... groups) {
        Set<String> all = new LinkedHashSet<>(List.of(groups));
        all.add("system:authenticated");
        tokens.put(token, new Identity(user, Set.copyOf(all)));
    }

    /** Every decision made so far, oldest first (at most the first 100000). */
    public List<Decision> decisions() {
        synchronized (decisions) {
            return List.copyOf(decisions);
        }
    }

    public void clearDecisions() {
        synchronized (decisions) {
            decisions.clear();
        }
    }

    private String newToken() {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        return "ksim-" + HexFormat.of().formatHex(bytes);
    }

    /**
     * Checks one request; null when it may proceed.
     *
     * @param authorization the {@code Authorization} header, or null
     * @param api           the parsed resource path, or null for discovery and other non-resource paths
     * @param params        the query parameters (for the {@code metadata.name} field selector of lists and watches)
     */
    Refusal check(String authorization, String verb, ApiPath api, Map<String, String> params) {
        if (!enabled) {
            return null;
        }
        Identity who = authenticate(authorization);
        if (who == null) {
            return new Refusal(401, Statuses.json(401, "Unauthorized", "Unauthorized"));
        }
        if (api == null) {
            return null;
        }
        String name = api.name();
        if (name == null && ("list".equals(verb) || "watch".equals(verb))) {
            name = WatchRequest.of(api, params).name();
        }
        // as in Kubernetes, a namespace object is addressed within itself: a Role in namespace x may grant get on x
        String namespace = "namespaces".equals(api.plural()) && api.namespace() == null ? api.name() : api.namespace();
        boolean allowed = who.groups().contains(MASTERS)
                || allowed(who, verb, api.group(), api.plural(), api.subresource(), namespace, name);
        record(new Decision(who.user(), verb, api.group(), api.plural(), api.subresource(), namespace, name, allowed));
        return allowed ? null : new Refusal(403, forbidden(who, verb, api, namespace));
    }

    private Identity authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return tokens.get(authorization.substring(7).trim());
    }

    private void record(Decision decision) {
        synchronized (decisions) {
            if (decisions.size() < MAX_DECISIONS) {
                decisions.add(decision);
            }
        }
    }

    private boolean allowed(
            Identity who,
            String verb,
            String group,
            String resource,
            String subresource,
            String namespace,
            String name) {
        for (JsonNode binding : items(PREFIX + "/clusterrolebindings")) {
            if ("ClusterRole".equals(binding.path("roleRef").path("kind").asText())
                    && binds(binding, who, null)
                    && anyRuleAllows(clusterRoleRules(binding), verb, group, resource, subresource, name)) {
                return true;
            }
        }
        if (namespace == null) {
            return false;
        }
        for (JsonNode binding : items(PREFIX + "/namespaces/" + namespace + "/rolebindings")) {
            if (!binds(binding, who, namespace)) {
                continue;
            }
            String kind = binding.path("roleRef").path("kind").asText();
            String role = binding.path("roleRef").path("name").asText();
            JsonNode rules = "Role".equals(kind)
                    ? object(PREFIX + "/namespaces/" + namespace + "/roles/" + role)
                            .path("rules")
                    : "ClusterRole".equals(kind) ? clusterRoleRules(binding) : null;
            if (rules != null && anyRuleAllows(rules, verb, group, resource, subresource, name)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode clusterRoleRules(JsonNode binding) {
        return object(PREFIX + "/clusterroles/"
                        + binding.path("roleRef").path("name").asText())
                .path("rules");
    }

    /** Whether a (Cluster)RoleBinding names this identity; ServiceAccount subjects default to the binding's namespace. */
    private static boolean binds(JsonNode binding, Identity who, String bindingNamespace) {
        for (JsonNode subject : binding.path("subjects")) {
            String kind = subject.path("kind").asText();
            String name = subject.path("name").asText();
            boolean match =
                    switch (kind) {
                        case "User" -> name.equals(who.user());
                        case "Group" -> who.groups().contains(name);
                        case "ServiceAccount" ->
                            ("system:serviceaccount:"
                                            + subject.path("namespace")
                                                    .asText(bindingNamespace == null ? "" : bindingNamespace)
                                            + ":" + name)
                                    .equals(who.user());
                        default -> false;
                    };
            if (match) {
                return true;
            }
        }
        return false;
    }

    /** Kubernetes' RuleAllows: verb, API group, resource (exact, {@code *} or {@code *&#47;sub}), resourceNames. */
    private static boolean anyRuleAllows(
            JsonNode rules, String verb, String group, String resource, String subresource, String name) {
        String combined = subresource == null ? resource : resource + "/" + subresource;
        for (JsonNode rule : rules) {
            if (contains(rule.path("verbs"), verb)
                    && contains(rule.path("apiGroups"), group)
                    && resourceMatches(rule.path("resources"), combined, subresource)
                    && (rule.path("resourceNames").isEmpty()
                            || (name != null && has(rule.path("resourceNames"), name)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean resourceMatches(JsonNode resources, String combined, String subresource) {
        for (JsonNode r : resources) {
            String rule = r.asText();
            if (rule.equals("*") || rule.equals(combined) || (subresource != null && rule.equals("*/" + subresource))) {
                return true;
            }
        }
        return false;
    }

    private static boolean contains(JsonNode values, String wanted) {
        return has(values, "*") || has(values, wanted);
    }

    private static boolean has(JsonNode values, String wanted) {
        for (JsonNode v : values) {
            if (v.asText().equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    private Iterable<JsonNode> items(String path) {
        SimStore.Reply reply = store.call(HttpMethod.GET, path, null, null);
        if (!reply.ok() || reply.body() == null) {
            return List.of();
        }
        return parse(reply.body()).path("items");
    }

    private JsonNode object(String path) {
        SimStore.Reply reply = store.call(HttpMethod.GET, path, null, null);
        return reply.ok() && reply.body() != null
                ? parse(reply.body())
                : Json.mapper().createObjectNode();
    }

    private static JsonNode parse(String json) {
        try {
            return Json.mapper().readTree(json);
        } catch (Exception e) {
            return Json.mapper().createObjectNode();
        }
    }

    /**
     * The 403 a real API server sends (k8s.io/apiserver's forbiddenMessage and NewForbidden): e.g.
     * {@code services "myapp" is forbidden: User "x" cannot update resource "services" in API group "" in the
     * namespace "shop"}, with the group, resource and name in {@code details}.
     */
    private static String forbidden(Identity who, String verb, ApiPath api, String namespace) {
        String qualified = api.group().isEmpty() ? api.plural() : api.plural() + "." + api.group();
        String resource = api.subresource() == null ? api.plural() : api.plural() + "/" + api.subresource();
        String reason = "User \"" + who.user() + "\" cannot " + verb + " resource \"" + resource + "\" in API group \""
                + api.group() + "\""
                + (namespace == null ? " at the cluster scope" : " in the namespace \"" + namespace + "\"");
        String message = api.name() == null
                ? qualified + " is forbidden: " + reason
                : qualified + " \"" + api.name() + "\" is forbidden: " + reason;
        ObjectNode status = (ObjectNode) parse(Statuses.json(403, "Forbidden", message));
        ObjectNode details = status.putObject("details");
        if (api.name() != null) {
            details.put("name", api.name());
        }
        details.put("group", api.group()).put("kind", api.plural());
        return status.toString();
    }
}
