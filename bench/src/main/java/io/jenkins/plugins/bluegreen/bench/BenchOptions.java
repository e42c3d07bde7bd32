package io.jenkins.plugins.bluegreen.bench;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/**
 * Command-line options and the repetition counts they imply. {@code --quick} keeps every measurement but with
 * fewer repetitions, so the whole table comes out in under two minutes; its p99 then rests on few samples.
 */
record BenchOptions(boolean quick, Path out, String command, Set<Integer> only) {

    static BenchOptions parse(String... args) {
        boolean quick = false;
        Path out = null;
        String command = "bench/run";
        Set<Integer> only = new TreeSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(value(args, ++i, "--out"));
                case "--command" -> command = value(args, ++i, "--command");
                case "--only" -> {
                    for (String item : value(args, ++i, "--only").split(",")) {
                        only.add(Integer.parseInt(item.trim()));
                    }
                }
                default ->
                    throw new IllegalArgumentException("unknown option " + args[i]
                            + " (known: --quick, --out FILE, --only 1,2,..., --command TEXT)");
            }
        }
        return new BenchOptions(quick, out, command, only);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    boolean runs(int item) {
        return only.isEmpty() || only.contains(item);
    }

    int latencyWarmup() {
        return quick ? 3 : 10;
    }

    int latencyRepetitions() {
        return quick ? 30 : 200;
    }

    int autoRevertWarmup() {
        return quick ? 2 : 3;
    }

    int autoRevertRepetitions() {
        return quick ? 10 : 30;
    }

    int autoRevertPasses() {
        return quick ? 2 : 5;
    }

    int releaseRepetitions() {
        return quick ? 1 : 3;
    }

    int coldClientRuns() {
        return quick ? 3 : 10;
    }

    int warmClientRuns() {
        return quick ? 20 : 100;
    }

    int kubectlWarmup() {
        return 1;
    }

    int cliWarmup() {
        return quick ? 1 : 2;
    }

    int cliRepetitions() {
        return quick ? 5 : 20;
    }

    int kubectlRepetitions() {
        return quick ? 5 : 20;
    }
}
