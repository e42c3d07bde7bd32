package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One command the helper runs for one client connection: the {@link CommandHost} its code sees. The command's two
 * streams become frames to the client. When the user interrupts (the client's Ctrl-C/SIGTERM) the command's hooks run
 * as the in-process JVM's shutdown hook would, and what they print reaches the user; when the client is gone (kill -9,
 * or after the interrupt), the session is cut: no further request of this command leaves the helper, output goes
 * nowhere, and the command's thread is interrupted — what killing the in-process JVM at that point leaves.
 */
final class HelperSession implements CommandHost {

    private static final String GATE = "bluegreen-helper-session";

    private final DataOutputStream wire;
    private final Path cwd;
    private final List<Runnable> hooks = new ArrayList<>();
    private Thread worker;
    private boolean cut;
    private boolean exitSent;

    HelperSession(DataOutputStream wire, Path cwd) {
        this.wire = wire;
        this.cwd = cwd;
    }

    @Override
    public Path cwd() {
        return cwd;
    }

    @Override
    public boolean forClient() {
        return true;
    }

    @Override
    public synchronized Registration onInterrupt(Runnable hook) {
        hooks.add(hook);
        return () -> {
            synchronized (HelperSession.this) {
                hooks.remove(hook);
            }
        };
    }

    @Override
    public void configure(HttpClient.Builder http) {
        http.addOrReplaceInterceptor(GATE, new Interceptor() {
            @Override
            public void before(BasicBuilder builder, HttpRequest request, Interceptor.RequestTags tags) {
                if (isCut()) {
                    throw new IllegalStateException("the bluegreen process this command ran for is gone; "
                            + "no further request is sent for it");
                }
            }
        });
    }

    /** The command runs on the current thread from now until {@link #finished()}. */
    synchronized void started() throws IOException {
        worker = Thread.currentThread();
        frame(HelperWire.STARTED, new byte[0]);
    }

    /** The command returned; its thread goes back to the pool and must not be interrupted for it any more. */
    synchronized void finished() {
        worker = null;
        Thread.interrupted();
    }

    synchronized boolean isCut() {
        return cut;
    }

    /** The client's Ctrl-C/SIGTERM: the hooks print what the command leaves, exit 130, then the command is cut off. */
    void interruptByUser() {
        List<Runnable> toRun;
        synchronized (this) {
            if (cut || exitSent) {
                return;
            }
            toRun = List.copyOf(hooks);
        }
        for (Runnable hook : toRun) {
            hook.run();
        }
        exit(ExitCodes.INTERRUPTED);
        cut();
    }

    /**
     * The client is gone: nothing more of this command may reach the cluster or the user. Returns whether this cut
     * a command that was still running.
     */
    synchronized boolean cut() {
        boolean running = !cut && !exitSent && worker != null;
        if (!cut) {
            cut = true;
            if (worker != null) {
                worker.interrupt();
            }
        }
        return running;
    }

    /** Sends the exit code, once; later output and codes of a cut command are dropped. */
    synchronized void exit(int code) {
        if (!exitSent && !cut) {
            exitSent = true;
            try {
                frame(HelperWire.EXIT, ByteBuffer.allocate(4).putInt(code).array());
            } catch (IOException e) {
                cut();
            }
        }
    }

    /** Tells the client to run the command itself; only before any output. */
    synchronized void runInProcess(String reason) {
        if (!exitSent && !cut) {
            exitSent = true;
            try {
                frame(HelperWire.RUN_IN_PROCESS, reason.getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                cut();
            }
        }
    }

    /** The command's stdout ({@link HelperWire#OUT}) or stderr ({@link HelperWire#ERR}). */
    OutputStream stream(byte kind) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                synchronized (HelperSession.this) {
                    if (cut || exitSent || len == 0) {
                        return; // as from a killed JVM: nothing more reaches the user
                    }
                    try {
                        HelperWire.writeFrame(wire, kind, b, off, len);
                    } catch (IOException e) {
                        cut();
                    }
                }
            }
        };
    }

    private void frame(byte kind, byte[] data) throws IOException {
        HelperWire.writeFrame(wire, kind, data, 0, data.length);
    }
}
