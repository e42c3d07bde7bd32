package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The old colour is scaled down only when due, never while it serves, and comes back for a rollback. */
class ScaleDownTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final RecordingListener listener = new RecordingListener();
    private final MutableClock clock = new MutableClock();

    private final SimApps apps = SIM.liveOnBlue(4);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen =
            SIM.engine(namespace).listener(listener).clock(clock).build();

    @BeforeEach
    void releaseGreen() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));
    }

    private SwitchResult switchToGreen(Duration scaleDownDelay) {
        return blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(scaleDownDelay)
                .build());
    }

    @Test
    void theOldColourIsScaledDownOnceDueAndItsSizeRemembered() {
        SwitchResult switched = switchToGreen(null); // the default: 30 s
        assertThat(switched.scaleDownAt()).isAfter(clock.instant().plusSeconds(25));

        assertThat(blueGreen.scaleDownIfDue("myapp").outcome()).isEqualTo(ScaleDownResult.Outcome.NOT_DUE);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(4);

        clock.advance(Duration.ofSeconds(31));
        ScaleDownResult result = blueGreen.scaleDownIfDue("myapp");

        assertThat(result.outcome()).isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
        assertThat(result.color()).isEqualTo(Color.BLUE);
        assertThat(result.previousReplicas()).isEqualTo(4);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isZero();
        assertThat(apps.deployment("myapp-blue").getMetadata().getAnnotations())
                .containsEntry("bluegreen.jenkins.io/replicas-before-scale-down", "4")
                .doesNotContainKey("bluegreen.jenkins.io/scale-down-at");
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isEqualTo(4);
        assertThat(blueGreen.scaleDownIfDue("myapp").outcome()).isEqualTo(ScaleDownResult.Outcome.NOTHING_SCHEDULED);
    }

    @Test
    void theColourThatServesTrafficIsNeverScaledDown() {
        switchToGreen(Duration.ofSeconds(30));
        // someone points the Service back at blue by hand before the scale-down is due
        SIM.client().services().inNamespace(namespace).withName("myapp").edit(s -> new ServiceBuilder(s)
                .editSpec()
                .addToSelector(COLOR, "blue")
                .endSpec()
                .build());
        clock.advance(Duration.ofMinutes(5));

        ScaleDownResult result = blueGreen.scaleDownIfDue("myapp");

        assertThat(result.outcome()).isEqualTo(ScaleDownResult.Outcome.SKIPPED_LIVE);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(4);
        assertThat(apps.deployment("myapp-blue").getMetadata().getAnnotations())
                .doesNotContainKey("bluegreen.jenkins.io/scale-down-at");
    }

    @Test
    void zeroDelayKeepsTheOldColourRunning() {
        SwitchResult switched = switchToGreen(Duration.ZERO);
        clock.advance(Duration.ofHours(1));

        assertThat(switched.scaleDownAt()).isNull();
        assertThat(blueGreen.scaleDownIfDue("myapp").outcome()).isEqualTo(ScaleDownResult.Outcome.NOTHING_SCHEDULED);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(4);
    }

    @Test
    void rollbackAfterScaleDownScalesUpToTheRememberedSizeAwaitsThenSwitches() {
        switchToGreen(Duration.ofSeconds(30));
        clock.advance(Duration.ofSeconds(31));
        blueGreen.scaleDownIfDue("myapp");

        RollbackResult result = blueGreen.rollback(RollbackRequest.builder("myapp")
                .holder(HOLDER)
                .timeout(Duration.ofSeconds(20))
                .build());

        assertThat(result.action()).isEqualTo(RollbackResult.Action.SCALED_UP_AND_SWITCHED_BACK);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(4);
        assertThat(apps.deployment("myapp-blue").getStatus().getReadyReplicas()).isEqualTo(4);
        assertThat(listener.progress).anyMatch(p -> p.deployment().equals("myapp-blue"));
    }

    @Test
    void aNewReleaseIntoTheScheduledColourCancelsItsScaleDown() {
        switchToGreen(Duration.ofSeconds(30));
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(HOLDER)
                .replaceRollbackTarget(true)
                .build());
        clock.advance(Duration.ofMinutes(1));

        assertThat(blueGreen.scaleDownIfDue("myapp").outcome()).isEqualTo(ScaleDownResult.Outcome.NOTHING_SCHEDULED);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(4);
    }

    @Test
    void aCallerThatCannotBlockGetsAFutureThatFiresWhenDue() throws Exception {
        switchToGreen(Duration.ofMillis(300));

        ScaleDownResult result = blueGreen.scaleDownWhenDue("myapp").get(10, TimeUnit.SECONDS);

        assertThat(result.outcome()).isEqualTo(ScaleDownResult.Outcome.SCALED_DOWN);
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isZero();
    }

    @Test
    void cancellingTheFutureStopsAPendingScaleDown() throws Exception {
        SwitchResult switched = switchToGreen(Duration.ofMillis(1000));
        CompletableFuture<ScaleDownResult> pending = blueGreen.scaleDownWhenDue("myapp");
        Thread.sleep(300); // the first look has found it not due and set its timer

        assertThat(pending.cancel(true)).isTrue();
        // past the due time, with room for a timer that would fire late on a busy machine
        while (clock.instant().isBefore(switched.scaleDownAt().plusMillis(700))) {
            Thread.sleep(50);
        }

        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(4);
        assertThat(apps.deployment("myapp-blue").getMetadata().getAnnotations())
                .containsKey("bluegreen.jenkins.io/scale-down-at"); // still scheduled for whoever looks next
    }
}
