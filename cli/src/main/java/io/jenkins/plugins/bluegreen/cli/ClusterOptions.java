package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The global options {@code --kubeconfig}, {@code --context} and {@code -n/--namespace}, mixed into the root
 * command with {@link ScopeType#INHERIT} so they work before or after the subcommand name
 * ({@code bluegreen -n shop status ...} and {@code bluegreen status -n shop ...}); picocli writes both
 * spellings into this one instance, which subcommands reach through their parent.
 *
 * <p>Resolution follows kubectl's precedence: {@code --kubeconfig}, else {@code $KUBECONFIG}, else
 * {@code ~/.kube/config}, else the in-cluster service account (fabric8's auto-configuration). Everything a
 * user can get wrong here (missing or unreadable file, not a kubeconfig, unknown context, no current
 * context) is reported as exit code 2 before any request reaches a cluster.
 */
public final class ClusterOptions {

    static final String DEFAULT_NAMESPACE = "default";
    static final int RETRIES = 3;

    @Option(
            names = "--kubeconfig",
            paramLabel = "PATH",
            scope = ScopeType.INHERIT,
            description = "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config, else in-cluster)")
    Path kubeconfig;

    @Option(
            names = "--context",
            paramLabel = "NAME",
            scope = ScopeType.INHERIT,
            description = "kubeconfig context to use (default: its current-context)")
    String context;

    @Option(
            names = {"-n", "--namespace"},
            paramLabel = "NS",
            scope = ScopeType.INHERIT,
            description = "namespace (default: the context's namespace, else 'default')")
    String namespace;

    /** Credentials seen while reading kubeconfigs, for {@link Cluster#secrets()}. */
    private final Set<String> secrets = new HashSet<>();

    /** Reads and checks the configuration; throws {@link UserInputException} (exit 2) on bad input. */
    Cluster resolve() {
        return resolve(System.getenv(), CommandHost.LOCAL);
    }

    /**
     * As {@link #resolve()}, for a command run by {@code host}: in the warm helper the kubeconfig is found from the
     * client's environment and working directory ({@link ClientKubeconfig}), never from the helper's own.
     */
    Cluster resolve(java.util.Map<String, String> env, CommandHost host) {
        ClientKubeconfig client = host.forClient() ? new ClientKubeconfig(env, host.cwd()) : null;
        Config config = kubeconfig != null ? fromExplicitFile(kubeconfig, client) : fromDefaultLocations(env, client);
        // fabric8 retries a refused connection 10 times with exponential backoff, about 20 s before a person at a
        // terminal hears "cannot reach"; a few retries still ride out a blip or an API server restarting.
        config.setRequestRetryBackoffLimit(Math.min(config.getRequestRetryBackoffLimit(), RETRIES));
        for (String s : new String[] {
            config.getOauthToken(), config.getAutoOAuthToken(), config.getPassword(), config.getClientKeyData()
        }) {
            if (s != null) {
                secrets.add(s);
            }
        }
        return new Cluster(config, effectiveNamespace(config), secrets);
    }

    /** Where fabric8's auto-configuration finds a cluster without a kubeconfig: a pod, or an explicit master URL. */
    private static boolean inCluster(java.util.Map<String, String> env) {
        return env.get("KUBERNETES_SERVICE_HOST") != null
                || env.get("KUBERNETES_MASTER") != null
                || System.getProperty(Config.KUBERNETES_MASTER_SYSTEM_PROPERTY) != null;
    }

    /**
     * Checks -n/--namespace when it was given, before any kubeconfig is read (the engine checks the namespace a
     * context names once it is built).
     */
    void checkExplicitNamespace() {
        if (namespace != null) {
            if (namespace.isBlank()) {
                throw new UserInputException("-n/--namespace is empty; pass a namespace name or leave the option out");
            }
            BlueGreen.checkNamespace(namespace);
        }
    }

    private String effectiveNamespace(Config config) {
        if (namespace != null) {
            checkExplicitNamespace();
            return namespace;
        }
        String fromContext = config.getNamespace();
        return fromContext == null || fromContext.isBlank() ? DEFAULT_NAMESPACE : fromContext;
    }

    private Config fromExplicitFile(Path path, ClientKubeconfig client) {
        // messages name the path as typed; I/O uses it from the user's working directory
        Path at = client == null ? path : client.at(path);
        String text = read(at, path, "--kubeconfig");
        io.fabric8.kubernetes.api.model.Config parsed = parse(text, path, "--kubeconfig");
        if (client != null) {
            client.check(parsed);
        }
        String chosen = checkContext(parsed.getCurrentContext(), parsed.getContexts(), path.toString());
        try {
            if (Files.isRegularFile(at)) {
                // from the file, so relative certificate paths in it resolve against its directory
                return Config.fromKubeconfig(chosen, at.toAbsolutePath().toFile());
            }
            // a pipe such as --kubeconfig <(vault read ...) can be read only once: use the text already read
            Config config = Config.empty();
            KubeConfigUtils.merge(config, chosen, parsed);
            return config;
        } catch (RuntimeException e) {
            throw new UserInputException(
                    "--kubeconfig " + path + ": cannot use context '" + chosen + "': " + e.getMessage()
                            + "; check its cluster and user entries",
                    e);
        }
    }

    private Config fromDefaultLocations(java.util.Map<String, String> env, ClientKubeconfig client) {
        List<Path> files = new ArrayList<>();
        List<Path> found = new ArrayList<>();
        java.util.Collection<String> names = client == null ? Config.getKubeconfigFilenames() : client.names();
        for (String name : names) {
            Path p = Path.of(name);
            Path at = client == null ? p : client.at(p);
            if (Files.isRegularFile(at)) {
                files.add(p);
                found.add(at);
            }
        }
        if (files.isEmpty()) {
            if (context != null) {
                throw new UserInputException("--context " + context + ": no kubeconfig found ($KUBECONFIG or "
                        + "~/.kube/config), so there are no contexts; pass --kubeconfig PATH");
            }
            // in this process fabric8 reads this process' environment; in the helper, the client's
            if (!inCluster(client == null ? System.getenv() : env)) {
                // fabric8 would go on to https://kubernetes.default.svc and fail with UnknownHostException
                throw new UserInputException("no kubeconfig found, looked at " + String.join(", ", names)
                        + " ($KUBECONFIG, else ~/.kube/config) and for an in-cluster "
                        + "service account (KUBERNETES_SERVICE_HOST is not set); pass --kubeconfig PATH or set "
                        + "KUBECONFIG");
            }
            // No file at all, inside a pod: its service account, which fabric8 detects by itself.
            return Config.autoConfigure(null);
        }
        // Like kubectl, the first file that names a current-context wins; contexts are merged.
        String current = null;
        List<NamedContext> contexts = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Path p = files.get(i);
            io.fabric8.kubernetes.api.model.Config parsed =
                    parse(read(found.get(i), p, "$KUBECONFIG"), p, "$KUBECONFIG");
            if (client != null) {
                client.check(parsed);
            }
            if (current == null || current.isEmpty()) {
                current = parsed.getCurrentContext();
            }
            if (parsed.getContexts() != null) {
                contexts.addAll(parsed.getContexts());
            }
        }
        String chosen = checkContext(current, contexts, files.toString());
        try {
            return client == null ? Config.autoConfigure(chosen) : client.autoConfigure(chosen, found);
        } catch (RuntimeException e) {
            throw new UserInputException(
                    "kubeconfig " + files + ": cannot use context '" + chosen + "': " + e.getMessage()
                            + "; check its cluster and user entries or pass --kubeconfig",
                    e);
        }
    }

    /** The context to use: --context if it exists, else the file's current-context; exit 2 otherwise. */
    private String checkContext(String current, List<NamedContext> contexts, String where) {
        List<String> names = contexts == null
                ? List.of()
                : contexts.stream()
                        .map(NamedContext::getName)
                        .filter(Objects::nonNull)
                        .toList();
        String available = names.isEmpty() ? "none defined" : "available: " + String.join(", ", names);
        if (context != null) {
            if (!names.contains(context)) {
                throw new UserInputException("--context " + context + ": no such context in " + where + " (" + available
                        + "); pass one of those names");
            }
            return context;
        }
        if (current == null || current.isEmpty()) {
            throw new UserInputException(
                    "kubeconfig " + where + " has no current-context; pass --context NAME (" + available + ")");
        }
        if (!names.contains(current)) {
            throw new UserInputException("kubeconfig " + where + ": current-context '" + current
                    + "' is not defined in it (" + available + "); pass --context NAME");
        }
        return current;
    }

    private static String read(Path at, Path path, String option) {
        try {
            if (Files.isDirectory(at)) {
                throw new UserInputException(option + " " + path + " is a directory; pass the kubeconfig file itself");
            }
            return Files.readString(at);
        } catch (IOException e) {
            throw new UserInputException(
                    option + " " + path + " cannot be read (" + describe(e)
                            + "); pass a readable kubeconfig file, e.g. the one `bluegreen sim --kubeconfig-out` writes",
                    e);
        }
    }

    private io.fabric8.kubernetes.api.model.Config parse(String text, Path path, String option) {
        io.fabric8.kubernetes.api.model.Config parsed;
        try {
            parsed = KubeConfigUtils.parseConfigFromString(text);
        } catch (RuntimeException e) {
            // never the parser's message: it quotes the offending line, which may well hold a token
            throw new UserInputException(option + " " + path + " is not a kubeconfig (not valid YAML" + where(e)
                    + "); pass a kubeconfig YAML file");
        }
        if (parsed == null) {
            throw new UserInputException(
                    option + " " + path + " is not a kubeconfig (empty document); pass a " + "kubeconfig YAML file");
        }
        secrets.addAll(CredentialMask.kubeconfigCredentials(parsed));
        if (isEmpty(parsed.getClusters()) && isEmpty(parsed.getContexts())) {
            throw new UserInputException(option + " " + path + " is not a kubeconfig (it defines no clusters and no "
                    + "contexts); pass a kubeconfig YAML file");
        }
        return parsed;
    }

    /** Where a YAML parser's message says it stopped; only the numbers are taken from it, never the quoted line. */
    private static final java.util.regex.Pattern POSITION =
            java.util.regex.Pattern.compile("line:? (\\d+), column:? (\\d+)");

    /** " at line L, column C" when the parser said where, for finding the mistake without quoting the line. */
    private static String where(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            java.util.regex.Matcher m = POSITION.matcher(String.valueOf(t.getMessage()));
            if (m.find()) {
                return " at line " + m.group(1) + ", column " + m.group(2);
            }
        }
        return "";
    }

    private static boolean isEmpty(List<?> list) {
        return list == null || list.isEmpty();
    }

    private static String describe(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such file";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
