package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.CredentialMask;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * {@code bluegreen}: the command-line front of the release engine. Each subcommand is a small class that
 * turns options into one call on core (or kube-sim) and prints the result; the engine does the work.
 *
 * <p>The process environment and stdin are constructor arguments rather than read from {@code System}
 * inside the commands, so tests (and tools embedding the CLI) can run it in-process with their own.
 */
// scope INHERIT: every subcommand gets -h/--help and -V/--version without repeating them
@Command(
        name = "bluegreen",
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = BlueGreenCli.Version.class,
        description = "Blue-green releases on Kubernetes: deploy the idle colour, await it healthy, switch traffic, "
                + "roll back.",
        subcommands = {
            DeployCommand.class,
            AwaitCommand.class,
            SwitchCommand.class,
            RollbackCommand.class,
            AbandonCommand.class,
            UnlockCommand.class,
            ScaleDownCommand.class,
            StatusCommand.class,
            SimCommand.class,
            DemoCommand.class
        },
        footer = {
            "",
            "Exit codes: 0 done, 1 the operation failed, 2 invalid input (nothing changed), 3 aborted, "
                    + "130 interrupted (Ctrl-C; it says what it left)."
        })
public final class BlueGreenCli implements Runnable {

    @Mixin
    ClusterOptions cluster;

    @Spec
    CommandSpec spec;

    private final Map<String, String> env;
    private final InputStream stdin;
    private final CommandHost host;
    private final CredentialMask secrets = new CredentialMask();

    /**
     * The process' own environment and stdin. A prompt reads stdin whether it is a terminal or a pipe
     * ({@code echo Proceed | bluegreen demo}); stdin at its end without an answer ({@code </dev/null}, a closed pipe)
     * counts as Abort, so CI never takes a stray line as an approval nor hangs on one it cannot give.
     */
    public BlueGreenCli() {
        this(System.getenv(), System.in);
    }

    /**
     * @param env   environment variables the commands read (e.g. {@code BLUEGREEN_HOLDER})
     * @param stdin where prompts read answers from; an empty stream means "nobody to ask"
     */
    public BlueGreenCli(Map<String, String> env, InputStream stdin) {
        this(env, stdin, CommandHost.LOCAL);
    }

    /** As above, run by {@code host} (the warm helper runs commands for client processes). */
    BlueGreenCli(Map<String, String> env, InputStream stdin, CommandHost host) {
        this.env = Map.copyOf(env);
        this.stdin = stdin;
        this.host = host;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new BlueGreenCli()).execute(args));
    }

    /**
     * The command line as the launcher runs it: usage errors print {@code error: <message>} and a pointer to
     * {@code --help} instead of the whole usage text. Exit codes do not depend on this; a bare
     * {@code new CommandLine(new BlueGreenCli())} returns the same ones.
     */
    public static CommandLine commandLine(BlueGreenCli cli) {
        CommandLine cl = new CommandLine(cli);
        cl.setParameterExceptionHandler(BlueGreenCli::onUsageError);
        return cl;
    }

    private static int onUsageError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        // picocli starts some messages with its own "Error: "; the contract's prefix is "error: ", once
        err.println("error: " + e.getMessage().replaceFirst("^Error: ", ""));
        UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Try '" + cl.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return ExitCodes.INVALID_INPUT;
    }

    /** No subcommand given: a usage error (exit 2), not a silent success. */
    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "missing command; choose one of "
                        + String.join(", ", spec.subcommands().keySet()));
    }

    ClusterOptions cluster() {
        return cluster;
    }

    Map<String, String> env() {
        return env;
    }

    CommandHost host() {
        return host;
    }

    InputStream stdin() {
        return stdin;
    }

    /** What this invocation must never print; filled in when the kubeconfig is read. */
    CredentialMask secrets() {
        return secrets;
    }

    /** The version Maven stamped into the jar's manifest; class-path runs (tests, IDE) have none. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = BlueGreenCli.class.getPackage().getImplementationVersion();
            return new String[] {"bluegreen " + (v == null ? "(development build)" : v)};
        }
    }
}
