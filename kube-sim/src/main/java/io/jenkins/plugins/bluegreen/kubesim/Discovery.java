package io.jenkins.plugins.bluegreen.kubesim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The discovery documents kubectl reads before anything else: {@code /version}, {@code /api},
 * {@code /api/v1}, {@code /apis} and each group and group version. Only the legacy (unaggregated)
 * form is served, which every kubectl version falls back to.
 */
final class Discovery {

    private static final Set<String> CATEGORY_ALL = Set.of(
            "pods", "services", "deployments", "replicasets", "statefulsets", "daemonsets", "horizontalpodautoscalers");

    static final String OPENAPI_V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private final ResourceTypes types;
    private final ObjectMapper mapper = Json.mapper();

    Discovery(ResourceTypes types) {
        this.types = types;
    }

    /** The discovery document at this path, if it is a discovery path. */
    Optional<String> document(String path, String serverAddress) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        String[] s = p.substring(1).split("/");
        if (p.equals("/version")) {
            return Optional.of(version());
        }
        if (p.equals("/api")) {
            ObjectNode o = mapper.createObjectNode().put("kind", "APIVersions");
            o.putArray("versions").add("v1");
            o.putArray("serverAddressByClientCIDRs")
                    .addObject()
                    .put("clientCIDR", "0.0.0.0/0")
                    .put("serverAddress", serverAddress);
            return Optional.of(o.toString());
        }
        if (p.equals("/api/v1")) {
            return Optional.of(resourceList("", "v1"));
        }
        if (p.equals("/apis")) {
            ObjectNode o = mapper.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
            ArrayNode groups = o.putArray("groups");
            types.groups().forEach((g, versions) -> groups.add(group(g, versions)));
            return Optional.of(o.toString());
        }
        if (s.length == 2 && s[0].equals("apis") && types.groups().containsKey(s[1])) {
            return Optional.of(group(s[1], types.groups().get(s[1]))
                    .put("kind", "APIGroup")
                    .put("apiVersion", "v1")
                    .toString());
        }
        if (s.length == 3
                && s[0].equals("apis")
                && types.groups().getOrDefault(s[1], List.of()).contains(s[2])) {
            return Optional.of(resourceList(s[1], s[2]));
        }
        return Optional.empty();
    }

    private String version() {
        ObjectNode o = mapper.createObjectNode();
        o.put("major", "1")
                .put("minor", "32")
                .put("gitVersion", "v1.32.0-kube-sim")
                .put("gitCommit", "0000000000000000000000000000000000000000")
                .put("gitTreeState", "clean")
                .put("buildDate", "2025-01-01T00:00:00Z")
                .put("goVersion", "go1.23.0")
                .put("compiler", "gc")
                .put("platform", "linux/amd64");
        return o.toString();
    }

    private ObjectNode group(String name, List<String> versions) {
        ObjectNode g = mapper.createObjectNode().put("name", name);
        ArrayNode vs = g.putArray("versions");
        for (String v : versions) {
            vs.addObject().put("groupVersion", name + "/" + v).put("version", v);
        }
        g.putObject("preferredVersion")
                .put("groupVersion", name + "/" + versions.get(0))
                .put("version", versions.get(0));
        return g;
    }

    private String resourceList(String group, String version) {
        ObjectNode o = mapper.createObjectNode()
                .put("kind", "APIResourceList")
                .put("apiVersion", "v1")
                .put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = o.putArray("resources");
        for (ResourceType t : types.inGroupVersion(group, version)) {
            ObjectNode r = resources
                    .addObject()
                    .put("name", t.plural())
                    .put("singularName", t.singular())
                    .put("namespaced", t.namespaced())
                    .put("kind", t.kind());
            ArrayNode verbs = r.putArray("verbs");
            ResourceType.VERBS.forEach(verbs::add);
            if (!t.shortNames().isEmpty()) {
                ArrayNode shorts = r.putArray("shortNames");
                t.shortNames().forEach(shorts::add);
            }
            if (CATEGORY_ALL.contains(t.plural())) {
                r.putArray("categories").add("all");
            }
            for (String sub : t.subresources()) {
                ObjectNode sr = resources
                        .addObject()
                        .put("name", t.plural() + "/" + sub)
                        .put("singularName", "")
                        .put("namespaced", t.namespaced());
                switch (sub) {
                    case "scale" ->
                        sr.put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
                    case "log" -> sr.put("kind", "Pod");
                    default -> sr.put("kind", t.kind());
                }
                ArrayNode subVerbs = sr.putArray("verbs");
                (sub.equals("log") ? List.of("get") : List.of("get", "patch", "update")).forEach(subVerbs::add);
            }
        }
        return o.toString();
    }

    /**
     * A minimal OpenAPI v2 document in the protobuf encoding kubectl reads (swagger "2.0" and an
     * info block, no definitions), as ISO-8859-1 text so it travels as bytes unchanged.
     */
    static String openApiV2() {
        String info = field(1, "kube-sim") + field(2, "v1.32.0");
        return field(1, "2.0") + (char) 0x12 + (char) info.length() + info;
    }

    // protobuf length-delimited field, short values only
    private static String field(int number, String value) {
        return "" + (char) (number << 3 | 2) + (char) value.length() + value;
    }
}
