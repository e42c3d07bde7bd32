package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.http.HttpClient;
import java.nio.file.Path;

/**
 * Where a command runs: in this JVM for this process' own user ({@link #LOCAL}: the launcher's JVM, tests, tools
 * embedding the CLI), or in the warm helper on behalf of a client process, whose working directory, environment and
 * signals are not this JVM's. Commands reach the differences only through this interface, so the same command code
 * runs either way.
 */
interface CommandHost {

    /** This process: relative paths and the kubeconfig's defaults are the process' own; Ctrl-C is a shutdown hook. */
    CommandHost LOCAL = new Local();

    /** Directory the user's relative paths start from; null for this process' own working directory. */
    Path cwd();

    /**
     * Whether the kubeconfig must be looked up from the command's environment map and {@link #cwd()} (the helper:
     * this JVM's own environment is not the user's) instead of letting fabric8 read this process' environment.
     */
    boolean forClient();

    /** Runs {@code hook} when the user interrupts the command (Ctrl-C, SIGTERM); closing the result takes it back. */
    Registration onInterrupt(Runnable hook);

    /** Adds what this host needs to each HTTP client a command builds (the helper: a gate that shuts when the user's process is gone). */
    void configure(HttpClient.Builder http);

    /** A hook registration; {@link #close()} never throws. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    /** This JVM is the user's process. */
    final class Local implements CommandHost {

        private Local() {}

        @Override
        public Path cwd() {
            return null;
        }

        @Override
        public boolean forClient() {
            return false;
        }

        @Override
        public Registration onInterrupt(Runnable hook) {
            // Ctrl-C ends the JVM through its shutdown hooks (exit 130) without interrupting the command's thread
            Thread thread = new Thread(hook, "bluegreen-ctrl-c");
            Runtime.getRuntime().addShutdownHook(thread);
            return () -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(thread);
                } catch (IllegalStateException shuttingDown) {
                    // the hook is running: Ctrl-C arrived as the command ended
                }
            };
        }

        @Override
        public void configure(HttpClient.Builder http) {}
    }
}
