package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The seed scenario: Service app=myapp,version=v1 in front of myapp-v1 (10 replicas), not under blue-green yet. */
class AdoptionTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final RecordingListener listener = new RecordingListener();

    private final SimApps apps = SIM.unadopted(10);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen = SIM.engine(namespace).listener(listener).build();

    @AfterEach
    void clearScripts() {
        SIM.sim().scripts().clear();
    }

    @Test
    void deployingToAnUnadoptedAppAdoptsItFirstThenDeploysTheIdleColour() {
        Release release = blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());

        AdoptionResult adoption = release.adoption();
        assertThat(adoption).isNotNull();
        assertThat(adoption.adoptedFrom()).isEqualTo("myapp-v1");
        assertThat(adoption.color()).isEqualTo(Color.BLUE);
        assertThat(adoption.replicas()).isEqualTo(10);
        assertThat(adoption.leftRunning()).containsExactly("myapp-v1");
        assertThat(listener.warnings).anyMatch(w -> w.contains("myapp-v1"));

        // the Service now selects the stable selector plus the colour; version is gone from it
        assertThat(apps.selector("myapp")).containsOnly(entry("app", "myapp"), entry(COLOR, "blue"));
        // blue is a copy of v1's pod template, labelled with the colour
        Deployment blue = apps.deployment("myapp-blue");
        assertThat(blue.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("myapp:1");
        assertThat(blue.getSpec().getTemplate().getMetadata().getLabels())
                .contains(entry("app", "myapp"), entry("version", "v1"), entry(COLOR, "blue"));
        assertThat(blue.getSpec().getReplicas()).isEqualTo(10);
        // the old Deployment is left running, untouched
        Deployment old = apps.deployment("myapp-v1");
        assertThat(old).isNotNull();
        assertThat(old.getSpec().getReplicas()).isEqualTo(10);
        // and the new version went into the idle colour
        assertThat(release.liveColor()).isEqualTo(Color.BLUE);
        assertThat(release.newColor()).isEqualTo(Color.GREEN);
        assertThat(apps.deployment("myapp-green")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:2");
        assertThat(apps.deployment("myapp-green")
                        .getSpec()
                        .getTemplate()
                        .getMetadata()
                        .getLabels())
                .doesNotContainKey("version"); // would claim v1 for a v2 pod
        assertThat(blueGreen.status("myapp").history()).first().satisfies(h -> assertThat(h.action())
                .isEqualTo("adopt"));
    }

    @Test
    void theAdoptionADeployMadeNamesTheDeploysBuild() {
        String build = "https://ci.example/job/shop/job/deploy/42/";
        blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:2")
                .holder("jenkins:shop/deploy#42")
                .buildUrl(build)
                .build());

        assertThat(blueGreen.status("myapp").history()).first().satisfies(h -> {
            assertThat(h.action()).isEqualTo("adopt");
            assertThat(h.buildUrl()).isEqualTo(build);
        });
    }

    @Test
    void rollbackBeforeTheFirstSwitchAbandonsTheReleaseThatFollowedTheAdoption() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());

        RollbackResult result = blueGreen.rollback(
                RollbackRequest.builder("myapp").holder(HOLDER).build());

        assertThat(result.action()).isEqualTo(RollbackResult.Action.ABANDONED);
        assertThat(result.liveColor()).isEqualTo(Color.BLUE);
        assertThat(apps.selector("myapp")).containsOnly(entry("app", "myapp"), entry(COLOR, "blue"));
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isZero();
    }

    @Test
    void theServiceGainsTheColourKeyOnlyOnceTheColourIsReady() {
        // blue's pods (a copy of v1, same image) will never become ready
        SIM.sim().scripts().image("myapp:1", PodScript.NEVER_READY);
        String selectorBefore = apps.selector("myapp").toString();

        assertThatThrownBy(() -> blueGreen.adopt("myapp", null, HOLDER, Duration.ofSeconds(1)))
                .isInstanceOf(HealthTimeoutException.class);

        assertThat(apps.selector("myapp")).hasToString(selectorBefore);
        assertThat(apps.selector("myapp")).doesNotContainKey(COLOR);
        assertThat(apps.deployment("myapp-v1").getStatus().getReadyReplicas()).isEqualTo(10);
    }

    @Test
    void anInterruptedAdoptionResumesWithTheExistingColour() {
        SIM.sim().scripts().image("myapp:1", PodScript.NEVER_READY);
        assertThatThrownBy(() -> blueGreen.adopt("myapp", null, HOLDER, Duration.ofMillis(500)))
                .isInstanceOf(HealthTimeoutException.class);
        SIM.sim().scripts().clear();
        SIM.client().pods().inNamespace(namespace).withLabel(COLOR, "blue").delete(); // the sim recreates them, healthy

        AdoptionResult adoption = blueGreen.adopt("myapp", null, HOLDER, Duration.ofSeconds(20));

        assertThat(adoption.deployment()).isEqualTo("myapp-blue");
        assertThat(listener.infos).anyMatch(m -> m.contains("resuming"));
        assertThat(apps.selector("myapp")).containsOnly(entry("app", "myapp"), entry(COLOR, "blue"));
    }

    @Test
    void statusOfAnUnadoptedAppShowsNoColours() {
        AppStatus status = blueGreen.status("myapp");

        assertThat(status.adopted()).isFalse();
        assertThat(status.liveColor()).isNull();
        assertThat(status.color(Color.BLUE).exists()).isFalse();
        assertThat(status.history()).isEmpty();
    }

    @Test
    void adoptingAnAdoptedAppIsRefused() {
        blueGreen.adopt("myapp", null, HOLDER, Duration.ofSeconds(20));

        assertThatThrownBy(() -> blueGreen.adopt("myapp", null, HOLDER, Duration.ofSeconds(20)))
                .isInstanceOfSatisfying(
                        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("app"));
    }

    @Test
    void aServiceSelectingNoDeploymentHasNothingToAdopt() {
        SIM.client()
                .apps()
                .deployments()
                .inNamespace(namespace)
                .withName("myapp-v1")
                .delete();
        Eventually.until(Duration.ofSeconds(5), () -> apps.deployment("myapp-v1") == null);
        String before = apps.quietDump();

        assertThatThrownBy(() -> blueGreen.deploy(DeployRequest.builder("myapp")
                        .image("myapp:2")
                        .holder(HOLDER)
                        .build()))
                .isInstanceOfSatisfying(
                        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("service.selector"));
        assertThat(apps.dump()).isEqualTo(before);
        assertThat(Map.of()).isEmpty();
    }
}
