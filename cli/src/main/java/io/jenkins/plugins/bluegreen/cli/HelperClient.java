package io.jenkins.plugins.bluegreen.cli;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * What bin/bluegreen runs for a short command when a warm helper is up: sends the command to it over its Unix domain
 * socket and writes back what the helper's run of the command writes, byte for byte, on stdout and stderr, then exits
 * with the command's exit code. JDK classes only, so it starts in well under 0.1 s.
 *
 * <p>Usage: {@code HelperClient SOCKET ARGS...}. Exits {@value HelperWire#EXIT_NO_HELPER} when nobody answers on the
 * socket and {@value HelperWire#EXIT_RUN_IN_PROCESS} when the helper declines; in both cases it has written nothing
 * and the launcher runs the command in-process.
 */
public final class HelperClient {

    private HelperClient() {}

    public static void main(String[] args) throws Exception {
        Path socket = Path.of(args[0]);
        String[] argv = Arrays.copyOfRange(args, 1, args.length);
        SocketChannel channel;
        try {
            if (!privateDirectory(socket.getParent())) {
                System.exit(HelperWire.EXIT_NO_HELPER);
            }
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            // the other end must be this user's process: a socket file is only a name
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(thisUser())) {
                channel.close();
                System.exit(HelperWire.EXIT_NO_HELPER);
            }
        } catch (IOException | RuntimeException e) {
            System.exit(HelperWire.EXIT_NO_HELPER);
            return;
        }
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(HelperWire.out(channel)));
        DataInputStream in = new DataInputStream(new BufferedInputStream(HelperWire.in(channel)));
        try {
            sendRequest(out, argv);
        } catch (IOException e) {
            System.exit(HelperWire.EXIT_NO_HELPER);
        }
        System.exit(relay(in, out));
    }

    /** The socket's directory: this user's, a real directory, nobody else may enter it. */
    static boolean privateDirectory(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> others = EnumSet.of(
                PosixFilePermission.GROUP_READ,
                PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_EXECUTE,
                PosixFilePermission.OTHERS_READ,
                PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_EXECUTE);
        others.retainAll(a.permissions());
        return a.isDirectory() && others.isEmpty() && a.owner().equals(thisUser());
    }

    /**
     * This process's user, by uid (the owner of its /proc entry): the helper must be this very user, not whoever owns
     * the directory at the moment of the check, and a uid without a passwd entry has no name to look up.
     */
    private static UserPrincipal thisUser() throws IOException {
        return Files.getOwner(Path.of("/proc/self"));
    }

    private static void sendRequest(DataOutputStream out, String[] argv) throws IOException {
        out.writeUTF(HelperWire.MAGIC);
        HelperWire.writeString(out, Path.of("").toAbsolutePath().toString());
        out.writeInt(argv.length);
        for (String a : argv) {
            HelperWire.writeString(out, a);
        }
        Map<String, String> env = System.getenv();
        out.writeInt(env.size());
        for (Map.Entry<String, String> e : env.entrySet()) {
            HelperWire.writeString(out, e.getKey());
            HelperWire.writeString(out, e.getValue());
        }
        // what picocli decides colours and encodings from in the user's own JVM
        out.writeBoolean(System.console() != null);
        HelperWire.writeString(out, Charset.defaultCharset().name());
        HelperWire.writeString(out, String.valueOf(System.getProperty("sun.stdout.encoding", "")));
        HelperWire.writeString(out, String.valueOf(System.getProperty("sun.stderr.encoding", "")));
        HelperWire.writeString(out, Locale.getDefault(Locale.Category.FORMAT).toLanguageTag());
        out.flush();
    }

    /** Writes the helper's frames to this process' stdout and stderr until the exit code arrives; returns it. */
    private static int relay(DataInputStream in, DataOutputStream out) {
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        CountDownLatch ended = new CountDownLatch(1);
        // Ctrl-C or SIGTERM: ask the helper to interrupt the command as the in-process JVM's shutdown hook would, and
        // relay what it says it left behind before this JVM exits (with the signal's own exit status)
        Thread onSignal = new Thread(
                () -> {
                    try {
                        HelperWire.writeFrame(out, HelperWire.INTERRUPT, new byte[0], 0, 0);
                        ended.await(10, TimeUnit.SECONDS);
                    } catch (IOException | InterruptedException e) {
                        // the helper is gone: nothing more to relay
                    }
                },
                "bluegreen-ctrl-c");
        Runtime.getRuntime().addShutdownHook(onSignal);
        // the launcher passes Ctrl-C on as SIGUSR1 (this JVM, a script's background child, has SIGINT ignored): exit
        // 130 through the hook above, as the in-process JVM exits on SIGINT
        sun.misc.Signal.handle(new sun.misc.Signal("USR1"), s -> System.exit(130));
        boolean started = false;
        boolean wrote = false;
        boolean outOpen = true;
        boolean errOpen = true;
        try {
            while (true) {
                byte kind = in.readByte();
                int len = in.readInt();
                byte[] data = in.readNBytes(len);
                switch (kind) {
                    case HelperWire.STARTED -> started = true;
                    case HelperWire.OUT -> {
                        outOpen = relay(stdout, data, outOpen);
                        wrote = true;
                    }
                    case HelperWire.ERR -> {
                        errOpen = relay(stderr, data, errOpen);
                        wrote = true;
                    }
                    case HelperWire.EXIT -> {
                        ended.countDown();
                        removeHook(onSignal);
                        return ByteBuffer.wrap(data).getInt();
                    }
                    case HelperWire.RUN_IN_PROCESS -> {
                        ended.countDown();
                        removeHook(onSignal);
                        return wrote ? 1 : HelperWire.EXIT_RUN_IN_PROCESS;
                    }
                    default -> throw new IOException("unknown frame " + kind);
                }
            }
        } catch (IOException e) {
            ended.countDown();
            removeHook(onSignal);
            if (!started && e instanceof EOFException) {
                // the helper closed before the command started (it was stopping): nothing ran, so run it here
                return HelperWire.EXIT_RUN_IN_PROCESS;
            }
            try {
                stderr.write(("error: the bluegreen helper process stopped during the command (" + e
                                + "); its outcome is unknown — check with `bluegreen status`\n")
                        .getBytes(Charset.defaultCharset()));
            } catch (IOException ignored) {
                // stderr is gone too
            }
            return 1; // the contract's "failed"
        }
    }

    /**
     * A stream the reader closed (`| head`, `| grep -q`) loses the rest of the command's output, as System.out would
     * in-process; the command itself goes on to its end. Only a failed read of the helper means the helper is gone.
     */
    private static boolean relay(OutputStream to, byte[] data, boolean open) {
        if (!open) {
            return false;
        }
        try {
            to.write(data);
            to.flush();
            return true;
        } catch (IOException closedByTheReader) {
            return false;
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs: it waits for the exit frame this thread just counted down
        }
    }
}
