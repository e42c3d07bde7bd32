package io.jenkins.plugins.bluegreen.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;

/** Runs the CLI in-process, the way the launcher does, with captured stdout/stderr, env and stdin. */
final class CliRun {

    record Result(int exitCode, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    /** A command running on its own thread, for commands that stay in the foreground (sim, switch's wait). */
    static final class Running {
        private final StringWriter out = new StringWriter();
        private final StringWriter err = new StringWriter();
        private final AtomicInteger exit = new AtomicInteger(-1);
        private final Thread thread;

        private Running(Map<String, String> env, String... args) {
            CommandLine cl = BlueGreenCli.commandLine(new BlueGreenCli(env, new ByteArrayInputStream(new byte[0])));
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            thread = new Thread(() -> exit.set(cl.execute(args)), "bluegreen " + String.join(" ", args));
            thread.start();
        }

        /** Waits until stdout contains {@code text}; false if the command ended or 30 s passed first. */
        boolean awaitOutput(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                if (out.toString().contains(text)) {
                    return true;
                }
                if (!thread.isAlive()) {
                    return out.toString().contains(text);
                }
                Thread.sleep(20);
            }
            return false;
        }

        String out() {
            return out.toString();
        }

        /** Waits (at most 60 s) for the command to end by itself and returns how it ended. */
        Result await() throws InterruptedException {
            thread.join(TimeUnit.SECONDS.toMillis(60));
            if (thread.isAlive()) {
                throw new AssertionError("still running after 60 s:\n" + out + err);
            }
            return new Result(exit.get(), out.toString(), err.toString());
        }

        /** Interrupts the command (the in-process Ctrl-C) and returns how it ended. */
        Result interruptAndWait() throws InterruptedException {
            thread.interrupt();
            thread.join(TimeUnit.SECONDS.toMillis(30));
            if (thread.isAlive()) {
                throw new AssertionError("still running 30 s after the interrupt:\n" + out + err);
            }
            return new Result(exit.get(), out.toString(), err.toString());
        }
    }

    private CliRun() {}

    static Running start(Map<String, String> env, String... args) {
        return new Running(env, args);
    }

    static Result run(String... args) {
        return run(Map.of(), "", args);
    }

    static Result run(Map<String, String> env, String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = BlueGreenCli.commandLine(
                new BlueGreenCli(env, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8))));
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
