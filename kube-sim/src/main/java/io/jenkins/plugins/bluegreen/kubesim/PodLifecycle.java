package io.jenkins.plugins.bluegreen.kubesim;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The simulated kubelet: moves each pod through Pending → Running → Ready on a timeline, or
 * through the failure its {@link PodScript} prescribes. Every step is a status write to the store,
 * so clients see each state through GET and watch.
 */
final class PodLifecycle {

    private static final Logger LOG = Logger.getLogger(PodLifecycle.class.getName());
    private static final Duration MIN_PERIOD = Duration.ofMillis(200);

    private final ClusterCache cache;
    private final StoreWriter writer;
    private final ControllerLoop loop;
    private final PodScripts scripts;
    private final ImageRegistry images;
    private final SimSettings settings;
    private final EventRecorder events;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> readySince = new ConcurrentHashMap<>();
    private final List<Consumer<PodReadyEvent>> readyListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<PodCrashEvent>> crashListeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger ipCounter = new AtomicInteger();

    PodLifecycle(
            ClusterCache cache,
            StoreWriter writer,
            ControllerLoop loop,
            PodScripts scripts,
            ImageRegistry images,
            SimSettings settings,
            EventRecorder events) {
        this.images = images;
        this.events = events;
        this.cache = cache;
        this.writer = writer;
        this.loop = loop;
        this.scripts = scripts;
        this.settings = settings;
    }

    void onPodReady(Consumer<PodReadyEvent> listener) {
        readyListeners.add(listener);
    }

    void onPodCrash(Consumer<PodCrashEvent> listener) {
        crashListeners.add(listener);
    }

    /** Called inside the store lock: only schedules work. */
    void onEvent(StoreEvent e) {
        if (!e.group().isEmpty() || !e.plural().equals("pods")) {
            return;
        }
        String uid = e.object().path("metadata").path("uid").asText();
        if (e.type().equals("DELETED")) {
            started.remove(uid);
            readySince.remove(uid);
        } else if (e.type().equals("ADDED")
                && e.object().path("status").path("phase").isMissingNode()) {
            // a pod a client created directly: give it a lifecycle too (ReplicaSet pods are started
            // by the ReplicaSet controller with a stagger; start() ignores a second call)
            loop.schedule(Duration.ZERO, () -> cache.pod(e.namespace(), e.name())
                    .filter(p -> p.getMetadata().getUid().equals(uid))
                    .ifPresent(p -> start(p, Duration.ZERO)));
        }
    }

    /** When the pod became Ready ({@link System#nanoTime()}), or null if it is not Ready. */
    Long readySinceNanos(Pod pod) {
        return readySince.get(pod.getMetadata().getUid());
    }

    /** Whether the pod has been Ready for at least minReadySeconds. */
    boolean isAvailable(Pod pod, Integer minReadySeconds, long nowNanos) {
        Long since = readySinceNanos(pod);
        if (since == null || !Pods.isReady(pod)) {
            return false;
        }
        long min = minReadySeconds == null
                ? 0
                : settings.specSeconds(minReadySeconds).toNanos();
        return nowNanos - since >= min;
    }

    /** Starts the pod's timeline; {@code stagger} spreads a batch so progress like 3/10 shows. */
    void start(Pod pod, Duration stagger) {
        String uid = pod.getMetadata().getUid();
        if (!started.add(uid)) {
            return;
        }
        PodScript script = scripts.resolve(pod.getMetadata(), pod.getSpec());
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String startTime = Pods.now();
        String ip = nextIp();
        // resolved once, at the pull: a tag re-pushed later changes only pods started after it
        Map<String, String> pulled = images.pull(pod);
        Duration delay = settings.readyDelay();
        Duration half = delay.dividedBy(2).plus(stagger.dividedBy(2));
        Duration readyAt = delay.plus(stagger);
        Step step = new Step(ns, name, uid);
        if (script.behaviour() == PodScript.Behaviour.UNSCHEDULABLE) {
            events.warning(pod, EventRecorder.Source.SCHEDULER, "FailedScheduling", PodStatuses.UNSCHEDULABLE);
        } else {
            events.normal(
                    pod,
                    EventRecorder.Source.SCHEDULER,
                    "Scheduled",
                    "Successfully assigned " + ns + "/" + name + " to " + EndpointsController.NODE);
        }
        switch (script.behaviour()) {
            case UNSCHEDULABLE -> step.write(PodStatuses::unschedulable);
            case PROGRESS_DEADLINE -> {
                step.write(p -> PodStatuses.waiting(p, startTime, "ContainerCreating", null));
                step.then(
                        half, p -> true, (p, c) -> kubelet(p, c, "Pulling", "Pulling image \"" + c.getImage() + "\""));
            }
            case IMAGE_PULL_ERROR -> {
                step.write(p -> PodStatuses.waiting(p, startTime, "ContainerCreating", null));
                step.then(
                        half,
                        p -> step.apply(q -> PodStatuses.waiting(q, startTime, "ErrImagePull", pullError(q))),
                        (p, c) -> {
                            kubelet(p, c, "Pulling", "Pulling image \"" + c.getImage() + "\"");
                            kubeletWarning(
                                    p, c, "Failed", "Failed to pull image \"" + c.getImage() + "\": " + pullError(p));
                            kubeletWarning(p, c, "Failed", "Error: ErrImagePull");
                        });
                step.then(
                        readyAt,
                        p -> step.apply(q -> PodStatuses.waiting(
                                q,
                                startTime,
                                "ImagePullBackOff",
                                "Back-off pulling image \""
                                        + q.getSpec().getContainers().get(0).getImage() + "\"")),
                        (p, c) -> {
                            kubelet(p, c, "BackOff", "Back-off pulling image \"" + c.getImage() + "\"");
                            kubeletWarning(p, c, "Failed", "Error: ImagePullBackOff");
                        });
            }
            case CREATE_CONFIG_ERROR -> {
                step.write(p -> PodStatuses.waiting(p, startTime, "ContainerCreating", null));
                String missing = "secret \"" + name.replaceAll("-[^-]+-[^-]+$", "") + "-secret\" not found";
                step.then(
                        half,
                        p -> step.apply(q -> PodStatuses.waiting(q, startTime, "CreateContainerConfigError", missing)),
                        (p, c) -> {
                            kubelet(
                                    p,
                                    c,
                                    "Pulled",
                                    "Container image \"" + c.getImage() + "\" already present on machine");
                            kubeletWarning(p, c, "Failed", "Error: " + missing);
                        });
            }
            case NEVER_READY -> {
                step.write(p -> PodStatuses.waiting(p, startTime, "ContainerCreating", null));
                step.then(
                        half,
                        p -> step.apply(q -> PodStatuses.running(q, startTime, ip, false, Pods.now(), pulled)),
                        (p, c) -> {
                            containerStarted(p, c, half);
                            kubeletWarning(
                                    p,
                                    c,
                                    "Unhealthy",
                                    "Readiness probe failed: HTTP probe failed with statuscode: 503");
                        });
            }
            case CRASH_LOOP -> {
                step.write(p -> PodStatuses.waiting(p, startTime, "ContainerCreating", null));
                step.then(
                        half,
                        p -> step.apply(q -> PodStatuses.running(q, startTime, ip, false, Pods.now(), pulled)),
                        (p, c) -> containerStarted(p, c, half));
                crash(step, startTime, ip, pulled, 1, readyAt, max(delay, MIN_PERIOD));
            }
            default -> {
                step.write(p -> PodStatuses.waiting(p, startTime, "ContainerCreating", null));
                step.then(
                        half,
                        p -> step.apply(q -> PodStatuses.running(q, startTime, ip, false, Pods.now(), pulled)),
                        (p, c) -> containerStarted(p, c, half));
                Duration extra = script.behaviour() == PodScript.Behaviour.SLOW ? script.duration() : Duration.ZERO;
                String runningSince = Pods.now();
                loop.schedule(readyAt.plus(extra), () -> {
                    if (step.apply(p -> PodStatuses.running(p, startTime, ip, true, runningSince, pulled))) {
                        markReady(step);
                        if (script.behaviour() == PodScript.Behaviour.FLAPPING) {
                            Duration period = script.duration() != null ? script.duration() : max(delay, MIN_PERIOD);
                            flap(step, startTime, ip, pulled, runningSince, false, period);
                        } else if (script.behaviour() == PodScript.Behaviour.CRASH_AFTER) {
                            // healthy long enough to be switched to, then the container dies as a bad release's would
                            crash(step, startTime, ip, pulled, 1, script.duration(), max(delay, MIN_PERIOD));
                        }
                    }
                });
            }
        }
    }

    // the kubelet's events for a container it pulled and started, with its real reasons and messages
    private void containerStarted(Pod p, Container c, Duration pull) {
        kubelet(p, c, "Pulling", "Pulling image \"" + c.getImage() + "\"");
        String took =
                pull.toMillis() < 1000 ? pull.toMillis() + "ms" : String.format("%.3fs", pull.toMillis() / 1000.0);
        kubelet(
                p,
                c,
                "Pulled",
                "Successfully pulled image \"" + c.getImage() + "\" in " + took + " (" + took
                        + " including waiting). Image size: "
                        + (Math.abs(c.getImage().hashCode()) % 90_000_000 + 10_000_000)
                        + " bytes.");
        kubelet(p, c, "Created", "Created container: " + c.getName());
        kubelet(p, c, "Started", "Started container " + c.getName());
    }

    private void kubelet(Pod p, Container c, String reason, String message) {
        events.container(p, c.getName(), EventRecorder.NORMAL, reason, message);
    }

    private void kubeletWarning(Pod p, Container c, String reason, String message) {
        events.container(p, c.getName(), EventRecorder.WARNING, reason, message);
    }

    private void markReady(Step step) {
        long now = System.nanoTime();
        readySince.put(step.uid, now);
        PodReadyEvent event = new PodReadyEvent(step.ns, step.name, now);
        for (Consumer<PodReadyEvent> l : readyListeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pod ready listener failed", e);
            }
        }
    }

    private void crashed(Step step, int restarts) {
        PodCrashEvent event = new PodCrashEvent(step.ns, step.name, restarts, System.nanoTime());
        for (Consumer<PodCrashEvent> l : crashListeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "pod crash listener failed", e);
            }
        }
    }

    private void flap(
            Step step,
            String startTime,
            String ip,
            Map<String, String> pulled,
            String runningSince,
            boolean ready,
            Duration period) {
        loop.schedule(period, () -> {
            if (step.apply(p -> PodStatuses.running(p, startTime, ip, ready, runningSince, pulled))) {
                if (ready) {
                    markReady(step);
                } else {
                    readySince.remove(step.uid);
                }
                flap(step, startTime, ip, pulled, runningSince, !ready, period);
            }
        });
    }

    // restarts back off like the kubelet's: each wait doubles, capped at five minutes
    private void crash(
            Step step,
            String startTime,
            String ip,
            Map<String, String> pulled,
            int restarts,
            Duration after,
            Duration period) {
        loop.schedule(after, () -> {
            if (step.apply(p -> PodStatuses.crashLooping(p, startTime, ip, restarts, pulled))) {
                readySince.remove(step.uid);
                crashed(step, restarts);
                step.current().ifPresent(p -> p.getSpec()
                        .getContainers()
                        .forEach(c -> kubeletWarning(
                                p,
                                c,
                                "BackOff",
                                "Back-off restarting failed container " + c.getName() + " in pod "
                                        + p.getMetadata().getName() + "_"
                                        + p.getMetadata().getNamespace() + "("
                                        + p.getMetadata().getUid() + ")")));
                Duration next = period.multipliedBy(2).compareTo(Duration.ofMinutes(5)) > 0
                        ? Duration.ofMinutes(5)
                        : period.multipliedBy(2);
                crash(step, startTime, ip, pulled, restarts + 1, period, next);
            }
        });
    }

    private static String pullError(Pod p) {
        String image =
                ImageRef.parse(p.getSpec().getContainers().get(0).getImage()).full();
        return "failed to pull and unpack image \"" + image + "\": failed to resolve reference \"" + image + "\": "
                + image + ": not found";
    }

    private String nextIp() {
        int n = ipCounter.getAndIncrement();
        return "10.244." + (n / 250 % 250) + "." + (n % 250 + 2);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** One pod's status writes; a step for a pod that is gone (or replaced) does nothing. */
    private final class Step {
        private final String ns;
        private final String name;
        private final String uid;

        private Step(String ns, String name, String uid) {
            this.ns = ns;
            this.name = name;
            this.uid = uid;
        }

        void write(Function<Pod, PodStatus> status) {
            apply(status);
        }

        void later(Duration delay, Function<Pod, PodStatus> status) {
            loop.schedule(delay, () -> apply(status));
        }

        /** After the delay: when {@code change} took effect, reports per container what happened. */
        void then(Duration delay, java.util.function.Predicate<Pod> change, BiConsumer<Pod, Container> report) {
            loop.schedule(delay, () -> current().ifPresent(before -> {
                if (change.test(before)) {
                    current().ifPresent(p -> p.getSpec().getContainers().forEach(c -> report.accept(p, c)));
                }
            }));
        }

        java.util.Optional<Pod> current() {
            return cache.pod(ns, name).filter(p -> p.getMetadata().getUid().equals(uid));
        }

        /** Writes the status; false if the pod no longer exists. Retries once on a conflict. */
        boolean apply(Function<Pod, PodStatus> status) {
            for (int attempt = 0; attempt < 2; attempt++) {
                Pod current = cache.pod(ns, name)
                        .filter(p -> p.getMetadata().getUid().equals(uid))
                        .orElse(null);
                if (current == null || Pods.isTerminating(current)) {
                    started.remove(uid);
                    readySince.remove(uid);
                    return false;
                }
                Pod copy = Serialization.clone(current);
                copy.setStatus(status.apply(copy));
                if (writer.replaceStatus(copy)) {
                    return true;
                }
            }
            return cache.pod(ns, name).isPresent();
        }
    }
}
