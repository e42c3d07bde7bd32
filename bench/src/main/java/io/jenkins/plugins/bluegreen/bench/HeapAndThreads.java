package io.jenkins.plugins.bluegreen.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Map;
import java.util.TreeMap;

/**
 * Retained heap and live threads of this JVM. Retained heap is the used heap after full collections have settled
 * (two readings within 0.5 % of each other), so it counts what is still reachable, not garbage awaiting collection.
 * Threads are split into kube-sim's own (named {@code kube-sim-*} and Vert.x's) and everything else, which is what
 * a Jenkins controller would run: the engine, the fabric8 client and the JDK.
 */
final class HeapAndThreads {
    /** One reading. */
    record Reading(
            long retainedBytes,
            int controllerThreads,
            int idleControllerThreads,
            int simThreads,
            Map<String, Integer> threadGroups) {
        /** Controller threads doing or holding something: not parked idle in a pool waiting for work. */
        int heldControllerThreads() {
            return controllerThreads - idleControllerThreads;
        }
    }

    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();

    Reading read() {
        long retained = settledHeap();
        Map<String, Integer> groups = new TreeMap<>();
        int controller = 0;
        int idle = 0;
        int sim = 0;
        for (Map.Entry<Thread, StackTraceElement[]> entry :
                Thread.getAllStackTraces().entrySet()) {
            Thread thread = entry.getKey();
            if (!thread.isAlive()) {
                continue;
            }
            String group = group(thread.getName());
            groups.merge(group, 1, Integer::sum);
            if (isSim(thread.getName())) {
                sim++;
            } else {
                controller++;
                if (isIdleInPool(entry.getValue())) {
                    idle++;
                }
            }
        }
        return new Reading(retained, controller, idle, sim, groups);
    }

    private long settledHeap() {
        long previous = Long.MAX_VALUE;
        for (int i = 0; i < 10; i++) {
            System.gc();
            ReleaseRequestsBench.sleep(java.time.Duration.ofMillis(100));
            long used = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(previous - used) <= used / 200) {
                return used;
            }
            previous = used;
        }
        return previous;
    }

    /**
     * A pool worker parked waiting for work (ThreadPoolExecutor.getTask, ForkJoinPool.awaitWork): capacity left
     * over from a burst, which the pool retires after its keep-alive (60 s for the common pool and OkHttp's).
     */
    static boolean isIdleInPool(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String at = frame.getClassName() + "." + frame.getMethodName();
            if (at.equals("java.util.concurrent.ThreadPoolExecutor.getTask")
                    || at.equals("java.util.concurrent.ForkJoinPool.awaitWork")) {
                return true;
            }
        }
        return false;
    }

    static boolean isSim(String threadName) {
        return threadName.startsWith("kube-sim") || threadName.startsWith("vert.x-");
    }

    /** A thread name without its running number: {@code OkHttp http://127.0.0.1:4321/...} → {@code OkHttp ...}. */
    static String group(String name) {
        if (name.startsWith("OkHttp")) {
            return name.contains("TaskRunner") ? "OkHttp TaskRunner" : "OkHttp connection";
        }
        return name.replaceAll("[-#]?\\d+", "").replaceAll("\\s+", " ").trim();
    }
}
