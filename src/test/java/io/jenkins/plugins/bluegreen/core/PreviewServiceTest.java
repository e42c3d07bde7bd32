package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.Service;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The preview Service selects the new colour only once it is ready, and follows the traffic after a switch. */
class PreviewServiceTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final SimApps apps = SIM.liveOnBlue(2);
    private final BlueGreen blueGreen = SIM.engine(apps.namespace()).build();

    private void deploy(String image) {
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image(image)
                .previewService("myapp-preview")
                .holder(HOLDER)
                .build());
    }

    @Test
    void selectsTheNewColourOnceReadyThenFollowsTheSwitch() {
        deploy("myapp:2");
        assertThat(apps.service("myapp-preview")).isNull(); // not before the colour is ready

        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));

        Service preview = apps.service("myapp-preview");
        assertThat(preview.getSpec().getSelector()).containsOnly(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(preview.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(preview.getSpec().getPorts()).extracting(p -> p.getPort()).containsExactly(80);

        // no rollback window (delay 0), so the next release may go into blue at once
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ZERO)
                .build());
        assertThat(apps.selector("myapp-preview")).containsEntry(COLOR, "green");

        deploy("myapp:3");
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));
        assertThat(apps.selector("myapp-preview")).containsEntry(COLOR, "blue");
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green"); // the live Service stays put
    }

    @Test
    void isNotMovedToAColourThatFailed() {
        SIM.sim().scripts().image("myapp:broken", PodScript.CRASH_LOOP);
        deploy("myapp:broken");

        assertThatThrownBy(() -> blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20)))
                .isInstanceOf(UnhealthyException.class);
        assertThat(apps.service("myapp-preview")).isNull();
    }
}
