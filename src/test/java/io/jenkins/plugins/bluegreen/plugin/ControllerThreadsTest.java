package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import io.jenkins.plugins.bluegreen.kubesim.RequestGate;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.jenkinsci.plugins.plaincredentials.FileCredentials;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The steps in a controller: a stop really stops (a stopped build never takes the lock or writes later), waiting
 * builds hold no thread (50 waiting on one app's lock do not starve the holder's switch), follow-up work runs on the
 * step pool rather than on fabric8's event threads, and pool threads do not keep a build's class loader.
 */
class ControllerThreadsTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = new SeededApp(SIM, 1);

    private static final String OTHER = "cli:bob@laptop";
    private static final int WAITERS = 50;

    private BlueGreen engine() {
        return BlueGreen.builder(SIM.client()).namespace(app.ns()).build();
    }

    private ThreadPoolExecutor stepPool() {
        return (ThreadPoolExecutor) app.sim().runtime().stepExecutor();
    }

    private boolean stepPoolIdle() {
        return stepPool().getActiveCount() == 0 && stepPool().getQueue().isEmpty();
    }

    /** Every request whose body names {@code holderPrefix}: what builds with such holders wrote. Never fires. */
    private List<String> writesNaming(String holderPrefix) {
        List<String> seen = new CopyOnWriteArrayList<>();
        SIM.sim()
                .faults()
                .add(FaultRule.on("*", "/**")
                        .where(r -> {
                            if (r.body() != null && r.body().contains(holderPrefix)) {
                                seen.add(r.method() + " " + r.path());
                            }
                            return false;
                        })
                        .respond(500)
                        .always());
        return seen;
    }

    private BlueGreenDeployStep waitingDeploy(String image) {
        BlueGreenDeployStep step = app.deployStep(image);
        step.setLockWait("10m");
        return step;
    }

    /** Waits (generously, for a slow machine) until {@code condition} holds; asserts nothing about time. */
    private static void awaitUntil(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never: " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void aBuildStoppedWhileWaitingForTheLockNeverTakesItOrWritesLater() throws Exception {
        List<String> waiterWrites = writesNaming("jenkins:waiter");
        engine().acquireLock("shop", OTHER, Duration.ZERO); // another release holds the app

        TestStepContext ctx = TestStepContext.build("waiter");
        ClusterStepExecution<?> waiter = app.sim().start(waitingDeploy("registry.example/shop:2.0"), ctx);
        ctx.awaitConsole("waiting for the deploy lock of shop, held by " + OTHER);
        assertThat(waiter.getStatus())
                .contains("waiting for the deploy lock of shop")
                .contains("no thread held");
        assertThat(waiter.blocksRestart())
                .as("a wait holds no thread and resumes from the saved phase")
                .isFalse();
        var lockWait = waiter.currentFuture();

        waiter.stop(new InterruptedException("aborted by alice"));
        assertThat(ctx.awaitFailure()).hasMessage("aborted by alice");
        assertThat(ctx.console())
                .contains("it was waiting for the deploy lock and wrote nothing; live traffic was not " + "touched");
        assertThat(lockWait).as("the lock wait (its watch closes with it)").isCancelled();
        awaitUntil("the stopped build holds no thread", this::stepPoolIdle);

        // the holder lets go: the lock is free for whoever comes next, never for the stopped build
        engine().releaseLock("shop", OTHER);
        assertThat(engine().acquireLock("shop", "cli:carol@desk", Duration.ZERO).holder())
                .isEqualTo("cli:carol@desk");
        assertThat(waiterWrites).as("requests naming the stopped build").isEmpty();
        assertThat(app.sim().deployment(app.ns(), "shop-green")).isNull();
        assertThat(app.sim().serviceAnnotation(app.ns(), "shop", "deploying")).isNull();
    }

    @Test
    void aStopDuringAWriteInterruptsItSaysWhatItMayHaveLeftAndBlocksRestartMeanwhile() throws Exception {
        RequestGate announcement = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", "/api/v1/namespaces/" + app.ns() + "/services/shop")
                        .holdUntil(announcement)
                        .once());
        TestStepContext ctx = app.context();
        ClusterStepExecution<?> execution = app.sim().start(app.deployStep("registry.example/shop:2.0"), ctx);
        assertThat(announcement.awaitArrival(Duration.ofSeconds(60))).isTrue();

        assertThat(execution.blocksRestart()).as("a write is in flight").isTrue();
        assertThat(execution.getStatus())
                .startsWith("deploying registry.example/shop:2.0 into the idle colour of shop")
                .contains("in thread blue-green-step");

        execution.stop(new InterruptedException("aborted"));
        ctx.awaitFailure();
        awaitUntil("the interrupted task ended", this::stepPoolIdle);
        announcement.open();
        assertThat(ctx.console())
                .contains(
                        "the deploy was interrupted and may have taken the deploy lock and written "
                                + "the idle colour; live traffic was not touched; rollback app: 'shop', abandonOnly: true abandons it");
        assertThat(execution.blocksRestart()).isFalse();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("blue");
    }

    @Test
    void aSwitchStoppedDuringItsServiceWriteSaysItMayHaveBeenWritten() throws Exception {
        app.runToSuccess(app.deployStep("registry.example/shop:2.0"));
        RequestGate write = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", "/api/v1/namespaces/" + app.ns() + "/services/shop")
                        .holdUntil(write)
                        .once());
        TestStepContext ctx = app.context();
        ClusterStepExecution<?> execution = app.sim().start(app.onSim(new SwitchTrafficStep("shop")), ctx);
        assertThat(write.awaitArrival(Duration.ofSeconds(60))).isTrue();

        execution.stop(new InterruptedException("aborted"));
        ctx.awaitFailure();
        write.open();
        assertThat(ctx.console())
                .contains("the switch was interrupted and may have been written; check the live "
                        + "colour (bluegreen status --app shop) before acting")
                .doesNotContain("live traffic was not touched");
    }

    @Test
    void fiftyBuildsWaitingForOneAppsLockHoldNoThreadAndTheHoldersSwitchGoesThrough() throws Exception {
        TestStepContext holder = TestStepContext.build("holder");
        app.sim().start(app.deployStep("registry.example/shop:2.0"), holder);
        holder.awaitSuccess(); // the holder's release waits at its approval, keeping the lock

        List<ClusterStepExecution<?>> waiters = new ArrayList<>();
        List<TestStepContext> contexts = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
            TestStepContext ctx = TestStepContext.build("waiter-" + i);
            contexts.add(ctx);
            waiters.add(app.sim().start(waitingDeploy("registry.example/shop:3." + i), ctx));
        }
        for (TestStepContext ctx : contexts) {
            ctx.awaitConsole("waiting for the deploy lock of shop, held by jenkins:holder");
        }
        awaitUntil("no thread held by the " + WAITERS + " waiting builds", this::stepPoolIdle);

        SwitchTrafficStep approve = app.onSim(new SwitchTrafficStep("shop"));
        TestStepContext switching = TestStepContext.build("holder");
        app.sim().start(approve, switching);
        assertThat(switching.awaitSuccess()).isEqualTo("green");
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");

        for (ClusterStepExecution<?> waiter : waiters) {
            waiter.stop(new InterruptedException("superseded"));
        }
        for (TestStepContext ctx : contexts) {
            assertThat(ctx.finished()).isTrue();
        }
        awaitUntil("the stopped builds freed their threads", this::stepPoolIdle);
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
    }

    @Test
    void fiftyStoppedWaitersNeverActLater() throws Exception {
        List<String> waiterWrites = writesNaming("jenkins:waiter-");
        engine().acquireLock("shop", OTHER, Duration.ZERO);
        long leaseWatchesBefore = SIM.sim().requests().count("watch", "/apis/coordination.k8s.io/**");
        List<ClusterStepExecution<?>> waiters = new ArrayList<>();
        List<TestStepContext> contexts = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
            TestStepContext ctx = TestStepContext.build("waiter-" + i);
            contexts.add(ctx);
            waiters.add(app.sim().start(waitingDeploy("registry.example/shop:3." + i), ctx));
        }
        for (TestStepContext ctx : contexts) {
            ctx.awaitConsole("waiting for the deploy lock of shop");
        }

        awaitUntil(
                "every waiter waits without a thread",
                () -> stepPoolIdle() && waiters.stream().allMatch(w -> w.currentFuture() != null));
        assertThat(SIM.sim().requests().count("watch", "/apis/coordination.k8s.io/**") - leaseWatchesBefore)
                .as("watches of the Lease opened for " + WAITERS + " waiting builds (one, shared)")
                .isLessThan(3);
        List<java.util.concurrent.CompletableFuture<?>> waits = waiters.stream()
                .<java.util.concurrent.CompletableFuture<?>>map(ClusterStepExecution::currentFuture)
                .toList();
        for (ClusterStepExecution<?> waiter : waiters) {
            waiter.stop(new InterruptedException("aborted"));
        }
        for (TestStepContext ctx : contexts) {
            assertThat(ctx.awaitFailure()).hasMessage("aborted");
        }
        assertThat(waits).allMatch(java.util.concurrent.CompletableFuture::isCancelled);
        awaitUntil("no thread left by the stopped builds", this::stepPoolIdle);

        engine().releaseLock("shop", OTHER);
        assertThat(engine().acquireLock("shop", "cli:carol@desk", Duration.ZERO).holder())
                .isEqualTo("cli:carol@desk");
        assertThat(waiterWrites).isEmpty();
        assertThat(app.sim().deployment(app.ns(), "shop-green")).isNull();
    }

    @Test
    void whatFollowsAHealthyColourRunsOnTheStepPoolAndASlowStartStallsNoOtherWait() throws Exception {
        BlueGreenReleaseStep release = app.onSim(new BlueGreenReleaseStep("shop"));
        release.setImage("registry.example/shop:2.0");
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, () -> "alice");
        CountDownLatch slowStart = new CountDownLatch(1);
        ctx.bodyStartGate = slowStart;
        app.sim().start(release, ctx);
        awaitUntil("the block is being started", () -> ctx.bodyStartedOn != null);
        assertThat(ctx.bodyStartedOn).as("the thread that starts the block").startsWith("blue-green-step");

        try {
            // while the block's start is slow, another wait of the namespace still gets its events
            SIM.client()
                    .apps()
                    .deployments()
                    .inNamespace(app.ns())
                    .withName("shop-blue")
                    .edit(d -> {
                        d.getSpec().setReplicas(2);
                        return d;
                    });
            AwaitHealthyStep blue = app.onSim(new AwaitHealthyStep("shop"));
            blue.setColor("blue");
            TestStepContext other = app.context();
            app.sim().start(blue, other);
            other.awaitSuccess();
        } finally {
            slowStart.countDown();
        }
        ctx.awaitSuccess();
        assertThat(app.sim().liveColor(app.ns(), "shop")).isEqualTo("green");
    }

    @Test
    void poolThreadsMadeFromABuildsThreadDoNotKeepItsClassLoader() throws Exception {
        ClassLoader script = new URLClassLoader(new URL[0], getClass().getClassLoader()); // as a Pipeline script's
        TestStepContext ctx = app.context();
        Throwable[] failed = new Throwable[1];
        Thread cps = new Thread(
                () -> {
                    try {
                        app.sim().start(app.deployStep("registry.example/shop:2.0"), ctx);
                    } catch (Throwable t) {
                        failed[0] = t;
                    }
                },
                "cps-vm");
        cps.setContextClassLoader(script);
        cps.start();
        cps.join();
        assertThat(failed[0]).isNull();
        ctx.awaitSuccess(); // the deploy started its lock keeper too

        List<String> keeping = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getContextClassLoader() == script)
                .map(Thread::getName)
                .toList();
        assertThat(keeping)
                .as("threads whose context class loader is the build's")
                .isEmpty();
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                .anyMatch(n -> n.startsWith("blue-green-step [#"))
                .anyMatch(n -> n.startsWith(LockKeepers.THREAD_NAME + " [#"));
    }

    @Test
    void statusSaysWhatTheStepWaitsFor() throws Exception {
        SIM.sim().scripts().image("registry.example/shop:stuck", PodScript.NEVER_READY);
        BlueGreenDeployStep step = app.deployStep("registry.example/shop:stuck");
        step.setTimeout("5m");
        TestStepContext ctx = app.context();
        ClusterStepExecution<?> execution = app.sim().start(step, ctx);
        ctx.awaitConsole("deployed shop-green");
        awaitUntil(
                "the health wait, without a thread",
                () -> execution.getStatus().equals("waiting for green of shop to become healthy (no thread held)"));
        assertThat(execution.blocksRestart()).isFalse();

        execution.stop(new InterruptedException("aborted"));
        ctx.awaitFailure();
        assertThat(execution.getStatus()).isEqualTo("finished");
        assertThat(ctx.console())
                .contains("green stays deployed but not live; to abandon it: rollback app: 'shop', "
                        + "abandonOnly: true (live traffic was not touched)");
    }

    /** A kubeconfig credential whose store answers only when released, and ignores interrupts meanwhile. */
    static final class CredentialBehindASlowStore extends FakeCredentials.Base implements FileCredentials {
        private static final long serialVersionUID = 1L;
        private final transient CountDownLatch entered = new CountDownLatch(1);
        private final transient CountDownLatch released = new CountDownLatch(1);
        private final String content;

        CredentialBehindASlowStore(String id, String content) {
            super(id);
            this.content = content;
        }

        @Override
        public String getFileName() {
            return "kubeconfig";
        }

        @Override
        public InputStream getContent() {
            entered.countDown();
            boolean interrupted = false;
            while (released.getCount() > 0) {
                try {
                    released.await();
                } catch (InterruptedException swallowed) {
                    interrupted = true; // as stores blocking on I/O often do
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
                Thread.interrupted(); // and the flag is lost on the way out, too
            }
            return new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aBuildStoppedWhileItsCredentialIsLookedUpNeverConnectsOrWritesLater() throws Exception {
        List<String> writes = writesNaming("slowcred");
        CredentialBehindASlowStore slow =
                new CredentialBehindASlowStore("slow", SIM.sim().kubeconfig(PluginSim.TOKEN));
        app.sim().credentials.put("slow", slow);
        BlueGreenDeployStep step = app.deployStep("registry.example/shop:2.0");
        step.setCredentialsId("slow");
        TestStepContext ctx = TestStepContext.build("slowcred");
        ClusterStepExecution<?> execution = app.sim().start(step, ctx);
        assertThat(slow.entered.await(60, TimeUnit.SECONDS))
                .as("the credential is being looked up")
                .isTrue();

        // stop() must not wait for the lookup: it runs where Jenkins calls it, and the store may never answer
        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                execution.stop(new InterruptedException("aborted by alice"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        awaitUntil("stop() returned while the credential lookup still hangs", stopping::isDone);
        assertThat(ctx.awaitFailure()).hasMessage("aborted by alice");

        slow.released.countDown();
        awaitUntil("the stopped build holds no thread", this::stepPoolIdle);
        assertThat(writes).as("requests naming the stopped build").isEmpty();
        assertThat(app.sim().deployment(app.ns(), "shop-green")).isNull();
        assertThat(engine().acquireLock("shop", "cli:carol@desk", Duration.ZERO).holder())
                .isEqualTo("cli:carol@desk");
    }
}
