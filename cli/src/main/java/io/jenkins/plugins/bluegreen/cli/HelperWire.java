package io.jenkins.plugins.bluegreen.cli;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * The warm helper's protocol over its Unix domain socket, shared by {@link HelperClient} and {@link HelperServer}
 * (JDK classes only: the client loads nothing else). One connection carries one command:
 * <ol>
 *   <li>client → helper: {@link #MAGIC}, then the request (working directory, argv, environment, which of stdin,
 *       stdout and stderr are terminals, whether the JVM sees a console, the charsets its streams would use);</li>
 *   <li>helper → client: frames {@code [kind byte][int length][bytes]}: {@link #STARTED}, {@link #OUT} and {@link #ERR} carry the
 *       command's two streams as written, then one {@link #EXIT} with the exit code, or one {@link #RUN_IN_PROCESS}
 *       (before any output) saying why the client must run the command itself;</li>
 *   <li>client → helper, at any time: {@link #INTERRUPT} (the user pressed Ctrl-C or sent SIGTERM). A closed
 *       connection means the client is gone (kill -9): the helper cuts the command off at once.</li>
 * </ol>
 */
final class HelperWire {

    /** Protocol and version; a helper of another version answers {@link #RUN_IN_PROCESS}. */
    static final String MAGIC = "bluegreen-helper/1";

    static final byte OUT = 1;
    static final byte ERR = 2;
    static final byte EXIT = 3;
    static final byte RUN_IN_PROCESS = 4;
    static final byte INTERRUPT = 5;
    /** The command has started: from here a lost connection means an unknown outcome, not "run it yourself". */
    static final byte STARTED = 6;

    /** What the client exits with when the helper asks it to run the command itself; the launcher then does. */
    static final int EXIT_RUN_IN_PROCESS = 125;
    /** What the client exits with when no helper answers on the socket; the launcher runs in-process and starts one. */
    static final int EXIT_NO_HELPER = 124;

    private HelperWire() {}

    /**
     * The channel as a stream. Not {@code Channels.newInputStream/newOutputStream}: on a blocking channel both take the
     * channel's one blocking lock, so a read waiting for the client's Ctrl-C would hold up every write of output.
     */
    static InputStream in(SocketChannel ch) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] b = new byte[1];
                return read(b, 0, 1) < 0 ? -1 : b[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return len == 0 ? 0 : ch.read(ByteBuffer.wrap(b, off, len));
            }
        };
    }

    static OutputStream out(SocketChannel ch) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                ByteBuffer buf = ByteBuffer.wrap(b, off, len);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        };
    }

    static void writeFrame(DataOutputStream out, byte kind, byte[] data, int off, int len) throws IOException {
        synchronized (out) {
            out.writeByte(kind);
            out.writeInt(len);
            out.write(data, off, len);
            out.flush();
        }
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > (1 << 20)) {
            throw new IOException("string of " + n + " bytes");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }
}
