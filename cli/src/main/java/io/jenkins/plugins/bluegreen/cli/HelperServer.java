package io.jenkins.plugins.bluegreen.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.text.DecimalFormatSymbols;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.RunLast;

/**
 * The warm helper bin/bluegreen starts in the background: a JVM that has loaded and initialised picocli, fabric8 and
 * Jackson once and runs short commands for {@link HelperClient}s of the same user over a Unix domain socket. Per
 * command it reads the kubeconfig from the client's environment and builds a new client, exactly as the command's own
 * JVM would; it keeps warm classes between commands, never credentials or clients. docs/architecture.md ("The warm
 * helper") has the reasoning.
 *
 * <p>Usage: {@code HelperServer SOCKET JAR STAMP IDLE_SECONDS [AFTER_PID]}: serve on SOCKET (its directory must be the
 * user's, mode 0700) while JAR keeps the STAMP ({@code mtime-size}) and until IDLE_SECONDS pass without a command;
 * AFTER_PID is the first command's own JVM, which the helper lets finish before it warms up.
 */
public final class HelperServer {

    /** Subcommands the helper runs; the rest (deploy, await, sim, demo: minutes, prompts) stay in the user's JVM. */
    static final Set<String> SERVED = Set.of("status", "switch", "rollback", "unlock", "abandon", "scale-down");
    /**
     * Concurrent commands. None waits: a command that finds every worker busy is declined at once and its client runs
     * it itself, so an operator's rollback never queues silently behind others.
     */
    static final int WORKERS = 4;

    /** Options that can make a served command run for minutes: such a command runs in the user's own JVM. */
    static final Set<String> LONG_RUNNING_OPTIONS =
            Set.of("--verify-for", "--wait-scale-down", "--lock-wait", "--timeout");

    /** Global options whose value comes next: skipped when naming the subcommand, and never logged. */
    private static final Set<String> GLOBAL_OPTIONS_WITH_VALUE =
            Set.of("--kubeconfig", "--context", "-n", "--namespace");

    private static final int DECLINED = -1;

    private final Path socket;
    private final Path jar;
    private final String stamp;
    private final Duration idle;
    private final ThreadPoolExecutor pool;
    private final AtomicInteger active = new AtomicInteger();
    private volatile Instant lastUsed = Instant.now();
    private volatile boolean stopping;
    private ServerSocketChannel server;
    private UserPrincipal me;
    private Object socketKey;

    private HelperServer(Path socket, Path jar, String stamp, Duration idle) {
        this.socket = socket;
        this.jar = jar;
        this.stamp = stamp;
        this.idle = idle;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(WORKERS, WORKERS, 1, TimeUnit.MINUTES, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(r, "bluegreen-helper-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]).toAbsolutePath();
        HelperServer helper = new HelperServer(
                socket, Path.of(args[1]).toAbsolutePath(), args[2], Duration.ofSeconds(Long.parseLong(args[3])));
        long after = args.length > 4 ? Long.parseLong(args[4]) : -1;
        System.exit(helper.run(after));
    }

    private int run(long afterPid) throws Exception {
        Path dir = socket.getParent();
        if (!HelperClient.privateDirectory(dir)) {
            log("refusing to serve: " + dir + " is not a directory of this user's that only this user can enter "
                    + "(mode 0700)");
            return 2;
        }
        try (FileChannel lockFile = FileChannel.open(
                        dir.resolve(socket.getFileName() + ".lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                return 0; // another helper of this jar is starting or serving
            }
            if (!stamp.equals(stampOf(jar).orElse(null))) {
                return 0; // started for a jar that has changed since
            }
            // the command that started this helper runs in its own JVM: let it have the machine, then warm up
            if (afterPid > 0) {
                ProcessHandle.of(afterPid).ifPresent(p -> {
                    try {
                        p.onExit().get(2, TimeUnit.MINUTES);
                    } catch (Exception e) {
                        // warm up anyway
                    }
                });
            }
            warmUp();
            // the pid file is complete before the socket appears (renamed into place), for whoever stops helpers
            Path pidFile = dir.resolve(socket.getFileName() + ".pid");
            Path pidTmp = dir.resolve(socket.getFileName() + ".pid.tmp");
            Files.writeString(pidTmp, ProcessHandle.current().pid() + "\n");
            Files.move(pidTmp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(socket); // ours by the lock: a stale socket of a helper that died
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            BasicFileAttributes a = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            socketKey = a.fileKey();
            me = Files.getOwner(socket, LinkOption.NOFOLLOW_LINKS);
            log("serving on " + socket + " (pid " + ProcessHandle.current().pid() + ")");
            Thread watchdog = new Thread(this::watch, "bluegreen-helper-watchdog");
            watchdog.setDaemon(true);
            watchdog.start();
            accept();
            return 0;
        }
    }

    /** Loads and initialises what commands use (picocli models, fabric8, Jackson's deserializers, the engine). */
    private static void warmUp() {
        long t0 = System.nanoTime();
        try {
            ClassDataTraining.train().forEach(f -> log("warm-up: " + f));
        } catch (Exception e) {
            log("warm-up failed (commands are served cold): " + e);
        }
        log("warmed up in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
    }

    private void accept() {
        while (!stopping) {
            SocketChannel ch;
            try {
                ch = server.accept();
            } catch (IOException e) {
                if (!stopping) {
                    log("accept failed, stopping: " + e);
                    stop("accept failed");
                }
                return;
            }
            try {
                UnixDomainPrincipal peer = ch.getOption(ExtendedSocketOptions.SO_PEERCRED);
                if (!me.equals(peer.user())) {
                    // the directory is 0700, so this needs root or a race; never serve another user
                    log("refused a connection of user " + peer.user().getName());
                    ch.close();
                    continue;
                }
                lastUsed = Instant.now();
                pool.execute(() -> serve(ch));
            } catch (RejectedExecutionException busy) {
                decline(ch, "the helper is busy");
            } catch (IOException e) {
                close(ch);
            }
        }
    }

    private static void decline(SocketChannel ch, String reason) {
        try (ch) {
            DataOutputStream out = new DataOutputStream(HelperWire.out(ch));
            byte[] why = reason.getBytes(StandardCharsets.UTF_8);
            HelperWire.writeFrame(out, HelperWire.RUN_IN_PROCESS, why, 0, why.length);
        } catch (IOException e) {
            // the client is gone
        }
    }

    private void serve(SocketChannel ch) {
        active.incrementAndGet();
        try (ch) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(HelperWire.in(ch)));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(HelperWire.out(ch)));
            Request request;
            try {
                request = Request.read(in);
            } catch (IOException | RuntimeException e) {
                decline(ch, "unreadable request");
                return;
            }
            HelperSession session = new HelperSession(out, request.cwd);
            Optional<String> why = request.whyInProcess();
            if (why.isEmpty() && !stamp.equals(stampOf(jar).orElse(null))) {
                why = Optional.of("the jar changed since this helper started");
                stop("the jar changed");
            }
            if (why.isPresent()) {
                log("handed back to the client: " + why.get());
                session.runInProcess(why.get());
                return;
            }
            Thread reader = new Thread(() -> watchClient(in, session), "bluegreen-helper-client");
            reader.setDaemon(true);
            session.started();
            reader.start();
            long t0 = System.nanoTime();
            try {
                int code = execute(request, session);
                if (code == DECLINED) {
                    log("handed back to the client: " + request.command());
                    session.runInProcess("declined");
                } else {
                    // logged before the client hears the exit code, so the log is complete when the command returns;
                    // the subcommand's name only: arguments and environment may carry secrets
                    log((session.isCut() ? "cut " : "served ") + request.command() + " exit " + code + " in "
                            + (System.nanoTime() - t0) / 1_000_000 + " ms");
                    session.exit(code);
                }
            } finally {
                session.finished();
            }
        } catch (IOException | RuntimeException e) {
            log("command failed in the helper: " + e);
        } finally {
            lastUsed = Instant.now();
            active.decrementAndGet();
        }
    }

    /** Reads what the client sends while its command runs: an interrupt, or the end of the connection. */
    private static void watchClient(InputStream in, HelperSession session) {
        try {
            while (true) {
                int kind = in.read();
                if (kind < 0) {
                    break;
                }
                if (kind == HelperWire.INTERRUPT) {
                    in.readNBytes(4);
                    session.interruptByUser();
                }
            }
        } catch (IOException e) {
            // closed
        }
        if (session.cut()) {
            log("client gone: command cut off");
        }
    }

    /** Runs the picocli command as {@link BlueGreenCli#main} would, with the client's streams and environment. */
    private static int execute(Request request, HelperSession session) {
        BlueGreenCli cli = new BlueGreenCli(request.env, InputStream.nullInputStream(), session);
        CommandLine cl = BlueGreenCli.commandLine(cli);
        cl.setOut(writer(session, HelperWire.OUT, request.charset(request.stdoutEncoding)));
        cl.setErr(writer(session, HelperWire.ERR, request.charset(request.stderrEncoding)));
        cl.setColorScheme(Help.defaultColorScheme(request.ansi() ? Help.Ansi.ON : Help.Ansi.OFF));
        cl.setExecutionStrategy(parsed -> {
            if (!helpRequested(parsed)
                    && !SERVED.contains(leaf(parsed).commandSpec().name())) {
                // through picocli's exception handler below, which prints nothing for it
                throw new CommandLine.ExecutionException(
                        cl, "not a short command", new RunInProcess("not a short command"));
            }
            return new RunLast().execute(parsed);
        });
        cl.setExecutionExceptionHandler((e, c, parsed) -> {
            if (e instanceof RunInProcess) {
                return DECLINED;
            }
            throw e; // picocli's own handling, as in-process
        });
        try {
            int code = cl.execute(request.argv);
            cl.getOut().flush();
            cl.getErr().flush();
            return code;
        } catch (RunInProcess e) {
            return DECLINED;
        }
    }

    private static PrintWriter writer(HelperSession session, byte kind, Charset charset) {
        // as picocli makes its own for System.out/err: buffered, flushed at each println
        return new PrintWriter(new BufferedWriter(new OutputStreamWriter(session.stream(kind), charset)), true);
    }

    private static boolean helpRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.isUsageHelpRequested() || p.isVersionHelpRequested()) {
                return true;
            }
        }
        return false;
    }

    private static ParseResult leaf(ParseResult parsed) {
        ParseResult p = parsed;
        while (p.hasSubcommand()) {
            p = p.subcommand();
        }
        return p;
    }

    /** Stops when the jar changes or goes, when the socket is no longer this helper's, or after the idle time. */
    private void watch() {
        while (!stopping) {
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                return;
            }
            if (!stamp.equals(stampOf(jar).orElse(null))) {
                stop("the jar changed or was removed");
            } else if (!socketIsOurs()) {
                stop("the socket was removed or replaced");
            } else if (active.get() == 0 && Instant.now().isAfter(lastUsed.plus(idle))) {
                stop("idle for " + idle.toSeconds() + " s");
            }
        }
    }

    private boolean socketIsOurs() {
        try {
            return socketKey.equals(Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey());
        } catch (IOException e) {
            return false;
        }
    }

    /** No new commands; the running ones finish (they are serving users), then the JVM exits. */
    private synchronized void stop(String why) {
        if (stopping) {
            return;
        }
        stopping = true;
        log("stopping: " + why);
        try {
            if (socketIsOurs()) {
                Files.deleteIfExists(socket);
            }
            Files.deleteIfExists(socket.resolveSibling(socket.getFileName() + ".pid"));
            server.close();
        } catch (IOException e) {
            log("while stopping: " + e);
        }
        Thread exit = new Thread(
                () -> {
                    pool.shutdown();
                    try {
                        pool.awaitTermination(5, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    System.exit(0);
                },
                "bluegreen-helper-stop");
        exit.start();
    }

    /** The jar's stamp as the launcher writes it ({@code mtime-size}, mtime in seconds); empty when it is gone. */
    static Optional<String> stampOf(Path jar) {
        try {
            return Optional.of(Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS) + "-" + Files.size(jar));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // gone already
        }
    }

    private static void log(String line) {
        // the helper's stderr is its log file in the socket directory; never the environment or arguments (secrets)
        System.err.println(Instant.now() + " " + line);
        System.err.flush();
    }

    /** One command as the client sent it. */
    private static final class Request {

        /**
         * Environment variables fabric8 or the JVM read from the process environment rather than from the command: the
         * helper cannot give a command the client's, so such a client runs its command itself.
         */
        private static final Set<String> PROCESS_ONLY = Set.of(
                "KUBENAMESPACE",
                "ALL_PROXY",
                "HTTP_PROXY",
                "HTTPS_PROXY",
                "NO_PROXY",
                "PROXY_USERNAME",
                "PROXY_PASSWORD",
                "JAVA_TOOL_OPTIONS",
                "JDK_JAVA_OPTIONS",
                "_JAVA_OPTIONS");

        Path cwd;
        String[] argv;
        Map<String, String> env;
        boolean console;
        String defaultCharset;
        String stdoutEncoding;
        String stderrEncoding;
        String locale;

        static Request read(DataInputStream in) throws IOException {
            if (!HelperWire.MAGIC.equals(in.readUTF())) {
                throw new IOException("not a bluegreen helper request of this version");
            }
            Request r = new Request();
            r.cwd = Path.of(HelperWire.readString(in));
            int argc = in.readInt();
            if (argc < 0 || argc > 10_000) {
                throw new IOException("argument count " + argc);
            }
            r.argv = new String[argc];
            for (int i = 0; i < argc; i++) {
                r.argv[i] = HelperWire.readString(in);
            }
            int envc = in.readInt();
            if (envc < 0 || envc > 100_000) {
                throw new IOException("environment size " + envc);
            }
            r.env = new HashMap<>();
            for (int i = 0; i < envc; i++) {
                r.env.put(HelperWire.readString(in), HelperWire.readString(in));
            }
            r.console = in.readBoolean();
            r.defaultCharset = HelperWire.readString(in);
            r.stdoutEncoding = HelperWire.readString(in);
            r.stderrEncoding = HelperWire.readString(in);
            r.locale = HelperWire.readString(in);
            return r;
        }

        /** The subcommand's name (or "bluegreen"), for the log. */
        String command() {
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                if (GLOBAL_OPTIONS_WITH_VALUE.contains(a)) {
                    i++;
                } else if (!a.startsWith("-")) {
                    return SERVED.contains(a) || "help".equals(a) ? a : "(another word)";
                }
            }
            return "bluegreen";
        }

        Optional<String> whyInProcess() {
            for (String a : argv) {
                if (LONG_RUNNING_OPTIONS.contains(a.contains("=") ? a.substring(0, a.indexOf('=')) : a)) {
                    return Optional.of("an option that may wait for minutes");
                }
            }
            if (!cwd.isAbsolute()) {
                return Optional.of("no working directory");
            }
            for (String name : env.keySet()) {
                if (name.startsWith("KUBERNETES_") || PROCESS_ONLY.contains(name)) {
                    return Optional.of("the environment sets " + name);
                }
            }
            // numbers in output are formatted in the user's locale; the helper's has ASCII digits
            if (DecimalFormatSymbols.getInstance(Locale.forLanguageTag(locale)).getZeroDigit()
                    != DecimalFormatSymbols.getInstance(Locale.getDefault(Locale.Category.FORMAT))
                            .getZeroDigit()) {
                return Optional.of("a locale with other digits");
            }
            return Optional.empty();
        }

        /** The charset picocli picks for a stream in the client's JVM: the sun.std*.encoding property, else the default. */
        Charset charset(String streamEncoding) {
            String name = streamEncoding.isEmpty() ? defaultCharset : streamEncoding;
            return "cp65001".equalsIgnoreCase(name) ? StandardCharsets.UTF_8 : Charset.forName(name);
        }

        /** picocli's automatic colours (Help.Ansi.AUTO) as the client's JVM would decide them, on a Unix system. */
        boolean ansi() {
            if (env.get("NO_COLOR") != null) {
                return false;
            }
            String force = env.get("CLICOLOR_FORCE");
            if (force != null && !"0".equals(force)) {
                return true;
            }
            if ("0".equals(env.get("CLICOLOR")) || "OFF".equals(env.get("ConEmuANSI"))) {
                return false;
            }
            return console;
        }
    }
}
