package io.jenkins.plugins.bluegreen.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Locale;

/** What the figures were measured on; the figures mean little without it. */
record Machine(
        int cores, long memoryBytes, long maxHeapBytes, String jdk, String os, String kubectl, double loadBefore) {

    static Machine describe(String kubectlVersion) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        long memory = -1;
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
            memory = sun.getTotalMemorySize();
        }
        return new Machine(
                Runtime.getRuntime().availableProcessors(),
                memory,
                Runtime.getRuntime().maxMemory(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                os.getName() + " " + os.getVersion() + " " + os.getArch(),
                kubectlVersion,
                os.getSystemLoadAverage());
    }

    static double loadNow() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    String markdown(double loadAfter) {
        return String.join(
                "\n",
                "| | |",
                "|---|---|",
                "| cores | " + cores + " |",
                "| memory | "
                        + (memoryBytes < 0
                                ? "unknown"
                                : String.format(Locale.ROOT, "%.1f GiB", memoryBytes / 1073741824.0))
                        + " |",
                "| JVM max heap | " + String.format(Locale.ROOT, "%.0f MiB", maxHeapBytes / 1048576.0) + " |",
                "| JDK | " + jdk + " |",
                "| OS | " + os + " |",
                "| kubectl | " + kubectl + " |",
                "| load average (1 min) before / after | "
                        + String.format(Locale.ROOT, "%.2f / %.2f", loadBefore, loadAfter) + " |",
                "");
    }
}
