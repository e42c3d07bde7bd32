package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One consistent read of an app: its live Service and both colour Deployments. The live colour comes from the
 * Service selector, never from memory. Selector problems are kept, not thrown, so {@code status} can still
 * report an app that other operations must refuse.
 *
 * @param stableSelector   the Service selector without the colour key (and, before adoption, without version keys)
 * @param liveColor        the colour the Service selects, or null when it has no colour key (not adopted)
 * @param selectorProblem  why the selector cannot be used for blue-green, or null: bad input
 *                         ({@link InvalidInputException}), or a state someone left that a named switch repairs
 *                         ({@link ColourKeyLostException})
 */
record AppState(
        String app,
        String serviceName,
        Service service,
        Map<String, String> stableSelector,
        Color liveColor,
        Map<Color, Deployment> deployments,
        BlueGreenException selectorProblem,
        Set<Color> readColors) {

    /** What a read knows of a colour's Deployment: a switch reads only its target, so "absent" is not "unknown". */
    enum Seen {
        PRESENT,
        ABSENT,
        NOT_READ
    }

    /** A state that read exactly the colours in {@code deployments}. */
    AppState(
            String app,
            String serviceName,
            Service service,
            Map<String, String> stableSelector,
            Color liveColor,
            Map<Color, Deployment> deployments,
            BlueGreenException selectorProblem) {
        this(
                app,
                serviceName,
                service,
                stableSelector,
                liveColor,
                deployments,
                selectorProblem,
                deployments.isEmpty() ? Set.of() : Set.copyOf(deployments.keySet()));
    }

    static AppState read(EngineContext context, String app, String serviceOverride) {
        return read(context, App.of(app, context.settings()), serviceOverride);
    }

    static AppState read(EngineContext context, App app, String serviceOverride) {
        BlueGreenSettings settings = context.settings();
        InputValidation.serviceName("service", serviceOverride);
        Cluster cluster = context.cluster();
        Map<Color, Deployment> deployments = new EnumMap<>(Color.class);
        Service service;
        String serviceName;
        try {
            for (Color color : Color.values()) {
                cluster.deployment(app.deployment(color)).ifPresent(d -> deployments.put(color, d));
            }
            serviceName = serviceOverride != null
                    ? serviceOverride
                    : recordedServiceName(deployments).orElse(app.service());
            service = cluster.service(serviceName).orElse(null);
        } catch (PermissionDeniedException refused) {
            // a Role lives in its namespace: in a namespace that does not exist (a typo in -n) every read is refused,
            // and "forbidden" would send the user to fix RBAC instead of the namespace name
            Cluster.NamespaceLookup lookup = cluster.namespaceExists();
            if (Boolean.FALSE.equals(lookup.exists())) {
                throw missingNamespace(cluster);
            }
            if (lookup.exists() == null) {
                throw new PermissionDeniedException(
                        refused.getMessage() + " (or namespace " + cluster.namespace()
                                + " does not exist, which this account cannot tell: " + lookup.unknownBecause() + ")",
                        refused.verb(),
                        refused.resource(),
                        refused.apiGroup(),
                        refused.namespace(),
                        refused);
            }
            throw refused;
        }
        if (service == null) {
            Cluster.NamespaceLookup lookup = cluster.namespaceExists();
            throw Boolean.FALSE.equals(lookup.exists())
                    ? missingNamespace(cluster)
                    : missingService(cluster, serviceName, lookup);
        }
        return analyse(app.name(), service, deployments, settings).readingAll();
    }

    /**
     * The reads a switch needs before its one write, and no more: the live Service (its selector, annotations and
     * resourceVersion) and the Deployment of the colour to switch to ({@code to}, or the idle colour). The other
     * colour is not read — what the switch does to it comes after traffic moved and needs no copy of it. Falls back
     * to {@link #read} (both Deployments, the Service they record) whenever the short way cannot be sure it has the
     * right Service — the Service named like the app is used only when the target records it, or records none and
     * is selected by it — and for anything unusual (no such Service, not adopted, target missing, a refusal), so
     * errors are exactly those of {@link #read}.
     */
    static AppState readServiceAndTarget(EngineContext context, String app, String serviceOverride, Color to) {
        return readServiceAndTarget(context, App.of(app, context.settings()), serviceOverride, to);
    }

    static AppState readServiceAndTarget(EngineContext context, App app, String serviceOverride, Color to) {
        BlueGreenSettings settings = context.settings();
        InputValidation.serviceName("service", serviceOverride);
        Cluster cluster = context.cluster();
        String name = serviceOverride != null ? serviceOverride : app.service();
        Service service;
        Deployment target;
        AppState partial;
        try {
            service = cluster.service(name).orElse(null);
            if (service == null) {
                return read(context, app, serviceOverride);
            }
            partial = analyse(app.name(), service, Map.of(), settings);
            if (partial.selectorProblem() != null || partial.liveColor() == null) {
                return read(context, app, serviceOverride);
            }
            Color targetColor = to != null ? to : partial.idleColor();
            target = cluster.deployment(app.deployment(targetColor)).orElse(null);
        } catch (PermissionDeniedException refused) {
            return read(context, app, serviceOverride); // its translation tells a missing namespace from RBAC
        }
        if (target == null || (serviceOverride == null && !recordsOrIsSelectedBy(target, partial, to, settings))) {
            return read(context, app, serviceOverride);
        }
        Map<Color, Deployment> deployments = new EnumMap<>(Color.class);
        deployments.put(to != null ? to : partial.idleColor(), target);
        return analyse(app.name(), service, deployments, settings);
    }

    private static boolean recordsOrIsSelectedBy(
            Deployment target, AppState state, Color to, BlueGreenSettings settings) {
        String recorded = Labels.annotation(target, StateKeys.SERVICE);
        if (recorded != null && !recorded.isBlank()) {
            return recorded.equals(state.serviceName());
        }
        Map<String, String> selector = new LinkedHashMap<>(state.stableSelector());
        selector.put(settings.colorLabelKey(), (to != null ? to : state.idleColor()).label());
        return Labels.selects(selector, target);
    }

    /** The pure part of {@link #read}: what the Service selector means for blue-green. */
    static AppState analyse(
            String app, Service service, Map<Color, Deployment> deployments, BlueGreenSettings settings) {
        String name = service.getMetadata().getName();
        String colorKey = settings.colorLabelKey();
        Map<String, String> selector =
                service.getSpec() == null || service.getSpec().getSelector() == null
                        ? Map.of()
                        : service.getSpec().getSelector();
        Map<Color, Deployment> copy = deployments.isEmpty() ? new EnumMap<>(Color.class) : new EnumMap<>(deployments);
        if (selector.isEmpty()) {
            return new AppState(
                    app,
                    name,
                    service,
                    Map.of(),
                    null,
                    copy,
                    new InvalidInputException(
                            "service.selector",
                            "Service " + name
                                    + " has no selector, so it would select no pods blue-green manages (or every pod "
                                    + "with endpoints managed by hand)",
                            "give the Service a selector with the app's labels, e.g. app=" + app));
        }
        if (selector.containsKey(colorKey)) {
            String value = selector.get(colorKey);
            // version keys are never part of the app's selector (adoption drops them): one that came back with a
            // re-applied manifest is a stray, which the next selector write removes (ServiceSelectorWrite)
            Set<String> notStable = new HashSet<>(settings.versionLabelKeys());
            notStable.add(colorKey);
            Map<String, String> stable = without(selector, notStable);
            Optional<Color> live = parse(value);
            if (live.isEmpty()) {
                return new AppState(
                        app,
                        name,
                        service,
                        stable,
                        null,
                        copy,
                        new InvalidInputException(
                                "service.selector",
                                "Service " + name + " selects " + colorKey + "=" + value
                                        + ", which is neither colour, so it " + "selects no colour Deployment",
                                "set " + colorKey + " to blue or green"));
            }
            if (stable.isEmpty()) {
                return new AppState(
                        app,
                        name,
                        service,
                        stable,
                        live.get(),
                        copy,
                        new InvalidInputException(
                                "service.selector",
                                "Service " + name + " selects only by colour, so it would select every " + "app's "
                                        + value + " pods",
                                "add the app's own label to the selector, e.g. app=" + app));
            }
            return new AppState(app, name, service, stable, live.get(), copy, null);
        }
        Map<String, String> stable = without(selector, settings.versionLabelKeys());
        if (stable.isEmpty()) {
            return new AppState(
                    app,
                    name,
                    service,
                    stable,
                    null,
                    copy,
                    new InvalidInputException(
                            "service.selector",
                            "Service " + name + " selects only by version keys " + selector.keySet()
                                    + "; without them it " + "would select nothing specific",
                            "add the app's own label to the selector, e.g. app=" + app));
        }
        List<String> matching = copy.values().stream()
                .filter(d -> Labels.selects(selector, d))
                .map(d -> d.getMetadata().getName())
                .sorted()
                .toList();
        if (matching.size() == 2) {
            // not the user's input but a state someone left (a Service manifest replaced or re-applied without the
            // colour key): users get both releases at once; a switch naming the colour puts the key back
            return new AppState(
                    app,
                    name,
                    service,
                    stable,
                    null,
                    copy,
                    new ColourKeyLostException(
                            "Service " + name
                                    + " has no " + colorKey
                                    + " key in its selector, so it selects the pods of both colours " + matching
                                    + " — users get a mix of releases (the Service was replaced or re-applied without the key?)",
                            "name the colour that should serve: bluegreen switch --app " + app
                                    + " --to blue (or --to green; "
                                    + "switchTraffic to: 'blue'), which writes the key back and records it"));
        }
        return new AppState(app, name, service, stable, null, copy, null);
    }

    Optional<Deployment> deployment(Color color) {
        return Optional.ofNullable(deployments.get(color));
    }

    Seen seen(Color color) {
        return deployments.containsKey(color) ? Seen.PRESENT : readColors.contains(color) ? Seen.ABSENT : Seen.NOT_READ;
    }

    /** This state with {@code deployments} as the colours read (a write's copies, a fresh read of one colour). */
    AppState withDeployments(Map<Color, Deployment> deployments) {
        return new AppState(app, serviceName, service, stableSelector, liveColor, deployments, selectorProblem);
    }

    /** This state, both colours having been read (a colour it lacks does not exist). */
    private AppState readingAll() {
        return new AppState(
                app,
                serviceName,
                service,
                stableSelector,
                liveColor,
                deployments,
                selectorProblem,
                Set.of(Color.values()));
    }

    /** The colour the Service does not select; only meaningful once adopted. */
    Color idleColor() {
        return liveColor == null ? null : liveColor.other();
    }

    Map<String, String> selector() {
        return service.getSpec().getSelector();
    }

    String serviceAnnotation(String key) {
        Map<String, String> annotations = service.getMetadata().getAnnotations();
        return annotations == null ? null : annotations.get(key);
    }

    Color previousColor() {
        return parse(serviceAnnotation(StateKeys.PREVIOUS_COLOR)).orElse(null);
    }

    /** Throws the selector problem, if any. */
    AppState requireUsableSelector() {
        if (selectorProblem != null) {
            throw selectorProblem;
        }
        return this;
    }

    /** Throws unless the Service selects a colour. */
    AppState requireAdopted() {
        requireUsableSelector();
        if (liveColor == null) {
            throw new InvalidInputException(
                    "app",
                    "Service " + serviceName + " has no colour key yet, so " + app + " is not under blue-green",
                    "deploy a version first: deploy adopts the app (and finishes an adoption that was cut short)");
        }
        return this;
    }

    /**
     * Why the Service's blue-green record cannot be trusted for this selector, or null: every write of the engine
     * sets {@code active-color} to the colour it selects and puts that colour at the head of the history, so an
     * {@code active-color} that is missing or names another colour, or a history head of another colour, means the
     * Service was replaced, re-applied or edited by hand since — what served last is then not known from it.
     */
    String recordProblem() {
        if (liveColor == null) {
            return null;
        }
        String active = serviceAnnotation(StateKeys.ACTIVE_COLOR);
        if (active == null || active.isBlank()) {
            return "Service " + serviceName + " selects " + liveColor + " but carries no " + StateKeys.ACTIVE_COLOR
                    + " annotation: its blue-green record is gone (the Service was replaced, e.g. by kubectl replace "
                    + "or a manifest without its annotations, and the colour key put back by hand)";
        }
        if (!liveColor.label().equals(active)) {
            return "Service " + serviceName + " selects " + liveColor + " but its " + StateKeys.ACTIVE_COLOR
                    + " annotation says " + Printable.line(active) + ": its selector or record was edited by hand";
        }
        String history = serviceAnnotation(StateKeys.HISTORY);
        List<HistoryEntry> entries;
        try {
            entries = new ReleaseHistory().decode(history);
        } catch (ReleaseHistory.UnreadableHistoryException e) {
            return "Service " + serviceName + "'s " + StateKeys.HISTORY + " annotation is not readable: its record was "
                    + "edited by hand";
        }
        if (!entries.isEmpty() && entries.get(0).color() != liveColor) {
            return "Service " + serviceName + " selects " + liveColor + " but its newest history entry is a "
                    + entries.get(0).action() + " to " + entries.get(0).color() + ": its selector was edited by hand";
        }
        return null;
    }

    /**
     * Refuses what {@code refused} names when the record cannot be trusted ({@link #recordProblem}): deciding from it
     * could take the colour that served until the hand edit for a release that never went live.
     */
    AppState requireTrustedRecord(String refused, BlueGreenSettings settings) {
        String problem = recordProblem();
        if (problem == null) {
            return this;
        }
        Color idle = idleColor();
        String idleName = settings.deploymentName(app, idle);
        String idleSays = deployment(idle)
                .map(d -> {
                    DeploymentView view = new DeploymentView(d);
                    return "; " + idleName + " (" + Printable.line(String.valueOf(view.annotation(StateKeys.REVISION)))
                            + ", " + view.desiredReplicas()
                            + " replicas) may be the release that was serving until then";
                })
                .orElse("");
        throw new RefusedException(
                refused + ": " + problem + ", so which release served last cannot be proven" + idleSays,
                "name the colour that should serve — bluegreen switch --app " + app + " --to "
                        + liveColor + " (or --to " + idle + "; switchTraffic to: '" + liveColor
                        + "') writes the record again, "
                        + "then roll back or abandon from there; keep the colour key and the bluegreen.jenkins.io/ annotations "
                        + "out of the Service manifest you apply, and apply it with kubectl apply, not replace");
    }

    private static Optional<String> recordedServiceName(Map<Color, Deployment> deployments) {
        return deployments.values().stream()
                .map(d -> Labels.annotation(d, StateKeys.SERVICE))
                .filter(s -> s != null && !s.isBlank())
                .findFirst();
    }

    private static InvalidInputException missingNamespace(Cluster cluster) {
        return new InvalidInputException(
                "namespace",
                "namespace " + cluster.namespace() + " does not exist",
                "pass the namespace the app runs in (-n), or create it");
    }

    private static InvalidInputException missingService(
            Cluster cluster, String serviceName, Cluster.NamespaceLookup lookup) {
        String maybe = lookup.exists() == null
                ? " (or the namespace does not exist; this account cannot tell: " + lookup.unknownBecause() + ")"
                : "";
        return new InvalidInputException(
                "service",
                "Service " + serviceName + " not found in namespace " + cluster.namespace() + maybe,
                "create the Service that fronts the app, or pass its name (--service)");
    }

    private static Optional<Color> parse(String label) {
        for (Color color : Color.values()) {
            if (color.label().equals(label)) {
                return Optional.of(color);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> without(Map<String, String> map, Collection<String> keys) {
        return map.entrySet().stream()
                .filter(e -> !keys.contains(e.getKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }
}
