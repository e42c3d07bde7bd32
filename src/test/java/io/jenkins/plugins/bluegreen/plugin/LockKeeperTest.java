package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.BlueGreenSettings;
import io.jenkins.plugins.bluegreen.core.ClusterClients;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.LockHeldException;
import io.jenkins.plugins.bluegreen.core.LockInfo;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The deploy lock is renewed while the build that holds it runs (an approval may take longer than the lease), and
 * only then: the build's own switch ends the renewal, a build that stopped running lets it expire, a take-over is
 * not fought, and many waiting builds share one scheduler thread.
 */
class LockKeeperTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final SeededApp app = SeededApp.seededByEachTest(SIM, 1);

    /** Seconds, so that outliving it takes seconds; renewed every third of it. */
    private static final Duration SHORT_LEASE = Duration.ofSeconds(3);

    private static final String HOLDER = "jenkins:shop/deploy#42";
    private static final String OTHER = "cli:bob@laptop";
    private static volatile CountDownLatch approval;

    private BlueGreenSettings settings;

    private void seed(Duration lease) {
        settings = BlueGreenSettings.builder().leaseDuration(lease).build();
        app.seed(settings);
    }

    /** A build whose "still running" the test decides, as Jenkins' Run.isBuilding() would answer. */
    static final class Build implements RunningBuild {
        final AtomicBoolean building = new AtomicBoolean(true);

        @Override
        public String externalizableId() {
            return "shop/deploy#42";
        }

        @Override
        public boolean isBuilding() {
            return building.get();
        }
    }

    private BlueGreen engine() {
        return BlueGreen.builder(SIM.client())
                .namespace(app.ns())
                .settings(settings)
                .build();
    }

    private Lease lease() {
        return SIM.client()
                .leases()
                .inNamespace(app.ns())
                .withName("shop-bluegreen")
                .get();
    }

    private TestStepContext deploy(Build build) throws Exception {
        TestStepContext ctx = app.context().withRun(build);
        app.sim().start(app.deployStep("registry.example/shop:2.0"), ctx);
        ctx.awaitSuccess();
        return ctx;
    }

    private LockKeeper keeper() {
        return app.sim()
                .runtime()
                .lockKeepers()
                .keeper(app.ns(), "shop")
                .orElseThrow(() -> new AssertionError("no lock keeper runs for shop"));
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
    void theLockOutlivesItsLeaseWhileTheBuildRuns() throws Exception {
        seed(SHORT_LEASE);
        TestStepContext ctx = deploy(new Build());
        assertThat(ctx.console())
                .contains("[blue-green] deploy lock shop-bluegreen held by " + HOLDER
                        + ", renewed while this build runs");
        LockInfo taken = engine().lock("shop").orElseThrow();
        Instant originalExpiry = taken.acquiredAt().plus(SHORT_LEASE);

        awaitUntil("past the lease the deploy took", () -> Instant.now().isAfter(originalExpiry.plusSeconds(1)));

        LockInfo now = engine().lock("shop").orElseThrow();
        assertThat(now.holder()).isEqualTo(HOLDER);
        assertThat(now.isHeldAt(Instant.now())).isTrue();
        assertThat(keeper().renewals()).isPositive();
        assertThatThrownBy(() -> engine().acquireLock("shop", OTHER, Duration.ZERO))
                .isInstanceOf(LockHeldException.class);
    }

    @Test
    void theBuildsSwitchReleasesTheLockAndEndsTheKeeper() throws Exception {
        seed(BlueGreenSettings.defaults().leaseDuration()); // no renewal falls inside the test: the switch ends it
        deploy(new Build());
        LockKeeper keeper = keeper();

        SwitchTrafficStep step = app.onSim(new SwitchTrafficStep("shop"));
        TestStepContext ctx = app.context().withRun(new Build());
        app.sim().start(step, ctx);
        ctx.awaitSuccess();

        assertThat(keeper.ended().get(60, TimeUnit.SECONDS)).isEqualTo(LockKeeper.End.STOPPED);
        assertThat(app.sim().runtime().lockKeepers().keeper(app.ns(), "shop")).isEmpty();
        assertThat(engine().lock("shop").orElseThrow().holder()).isNull();
    }

    @Test
    void aBuildThatStopsRunningStopsRenewingAndTheLeaseExpires() throws Exception {
        seed(SHORT_LEASE);
        Build build = new Build();
        deploy(build);
        LockKeeper keeper = keeper();

        build.building.set(false);

        assertThat(keeper.ended().get(60, TimeUnit.SECONDS)).isEqualTo(LockKeeper.End.BUILD_ENDED);
        // nothing released it: another holder gets it once the last renewal has run out
        assertThat(engine().acquireLock("shop", OTHER, Duration.ofSeconds(30)).holder())
                .isEqualTo(OTHER);
    }

    @Test
    void aTakeOverEndsTheKeeperWithoutAFight() throws Exception {
        seed(SHORT_LEASE);
        deploy(new Build());
        LockKeeper keeper = keeper();

        engine().takeOverLock("shop", OTHER);
        String takenOver = lease().getMetadata().getResourceVersion();

        assertThat(keeper.ended().get(60, TimeUnit.SECONDS)).isEqualTo(LockKeeper.End.RELEASED_OR_TAKEN);
        assertThat(lease().getSpec().getHolderIdentity()).isEqualTo(OTHER);
        assertThat(lease().getMetadata().getResourceVersion())
                .isEqualTo(takenOver); // its refused renewal wrote nothing
    }

    @Test
    void manyKeepersShareOneSchedulerThread() throws Exception {
        seed(SHORT_LEASE);
        BlueGreen engine = engine();
        ClusterClients clients = app.sim().runtime().clients();
        List<LockKeeper> keepers = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String appName = "app" + i;
            String holder = "jenkins:shop/deploy#" + i;
            engine.acquireLock(appName, holder, Duration.ZERO);
            ClusterClients.Connection connection = clients.connect(SIM.client().getConfiguration());
            BlueGreen background = connection
                    .engine(app.ns())
                    .settings(settings)
                    .executor(app.sim().runtime().engineExecutor())
                    .build();
            keepers.add(app.sim()
                    .runtime()
                    .lockKeepers()
                    .start(
                            new KeptLocks.Kept(
                                    new ScaleDownTasks.AppKey(SIM.sim().url(), app.ns(), appName),
                                    holder,
                                    holder,
                                    null),
                            connection,
                            background,
                            () -> true,
                            new CredentialMask(),
                            true));
        }

        awaitUntil("every keeper renewed twice", () -> keepers.stream().allMatch(k -> k.renewals() >= 2));

        long schedulers = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(LockKeepers.THREAD_NAME))
                .count();
        assertThat(schedulers).isEqualTo(1);
        assertThat(keepers).allMatch(k -> !k.ended().isDone());
    }

    @Test
    void aNewerKeeperOfTheAppReplacesTheOlder() throws Exception {
        seed(BlueGreenSettings.defaults().leaseDuration());
        deploy(new Build());
        LockKeeper first = keeper();

        deploy(new Build()); // the same build deploys again: one keeper for the app

        assertThat(first.ended().get(60, TimeUnit.SECONDS)).isEqualTo(LockKeeper.End.REPLACED);
        assertThat(keeper()).isNotSameAs(first);
    }

    @Test
    void blueGreenReleaseRenewsAgainAfterARestartInItsBlock() throws Exception {
        seed(BlueGreenSettings.defaults().leaseDuration()); // renewals in the test come from the resume alone
        approval = new CountDownLatch(1);
        BlueGreenReleaseStep step = app.onSim(new BlueGreenReleaseStep("shop"));
        step.setImage("registry.example/shop:2.0");
        TestStepContext ctx = new TestStepContext(TestStepContext.buildEnv(), null, () -> {
                    approval.await(); // static: a body is serialized with the execution, a latch could not be
                    return "dave";
                })
                .withRun(new Build());
        ClusterStepExecution<?> execution = app.sim().start(step, ctx);
        ctx.awaitConsole("renewed while this build runs");
        ClusterStepExecution<?> restored = BlueGreenDeployStepTest.roundTrip(execution);
        keeper().end(LockKeeper.End.SHUTDOWN); // a restart loses the keeper with the JVM
        Instant renewedBefore = engine().lock("shop").orElseThrow().renewedAt();

        restored.onResume();

        awaitUntil("a keeper renews again", () -> app.sim()
                .runtime()
                .lockKeepers()
                .keeper(app.ns(), "shop")
                .map(k -> k.renewals() >= 1)
                .orElse(false));
        assertThat(engine().lock("shop").orElseThrow().renewedAt()).isAfter(renewedBefore);
        LockKeeper resumed = keeper();
        approval.countDown();
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) ctx.awaitSuccess();
        assertThat(result).containsEntry("switched", true);
        assertThat(resumed.ended().get(60, TimeUnit.SECONDS)).isEqualTo(LockKeeper.End.STOPPED);
    }
}
