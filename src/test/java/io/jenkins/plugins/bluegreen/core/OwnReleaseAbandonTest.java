package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** abandonIfDeployedBy: only the holder's own release in flight is abandoned; traffic is never moved. */
class OwnReleaseAbandonTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private static final String OTHER = "jenkins:shop/deploy#43";

    /** green live, blue kept for a fast rollback: what a plain rollback would switch back to. */
    private final SimApps apps = SIM.liveOnBlue(2);

    private final BlueGreen blueGreen = SIM.engine(apps.namespace()).build();

    @BeforeEach
    void greenLiveBlueKept() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", Color.GREEN, Duration.ofSeconds(30));
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .to(Color.GREEN)
                .holder(HOLDER)
                .scaleDownDelay(Duration.ofHours(1))
                .build());
    }

    @Test
    void nothingOfTheHoldersIsInFlight_nothingChanges() {
        String before = apps.quietDump();

        OwnAbandonResult r = blueGreen.abandonIfDeployedBy("myapp", OTHER, null);

        assertThat(r.abandonedSomething()).isFalse();
        assertThat(r.liveColor()).isEqualTo(Color.GREEN);
        assertThat(r.nothingWhy()).contains("no release of " + OTHER);
        assertThat(SimApps.changedObjects(before, apps.quietDump())).isEmpty();
    }

    @Test
    void anotherHoldersReleaseIsNeverAbandoned() {
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(HOLDER)
                .replaceRollbackTarget(true)
                .build()); // into blue, kept for a rollback: on purpose
        String before = apps.quietDump();

        assertThat(blueGreen.abandonIfDeployedBy("myapp", OTHER, null).abandonedSomething())
                .isFalse();
        assertThat(SimApps.changedObjects(before, apps.quietDump())).isEmpty();
    }

    @Test
    void theHoldersOwnReleaseIsAbandonedAndLiveStays() {
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:3")
                .holder(OTHER)
                .replaceRollbackTarget(true)
                .build()); // into blue, kept for a rollback: on purpose

        OwnAbandonResult r = blueGreen.abandonIfDeployedBy("myapp", OTHER, null);

        assertThat(r.abandonedSomething()).isTrue();
        assertThat(r.abandoned().abandoned()).isEqualTo(Color.BLUE);
        assertThat(apps.selector("myapp")).containsEntry(SimApps.COLOR, "green");
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isZero();
        // once abandoned, nothing is left: a second call changes nothing
        assertThat(blueGreen.abandonIfDeployedBy("myapp", OTHER, null).abandonedSomething())
                .isFalse();
    }
}
