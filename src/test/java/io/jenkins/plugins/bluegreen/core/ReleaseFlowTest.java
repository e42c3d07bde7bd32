package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.SimApps.COLOR;
import static io.jenkins.plugins.bluegreen.core.SimApps.HOLDER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The success path a pipeline walks: deploy → await → switch → status → rollback. */
class ReleaseFlowTest {
    @RegisterExtension
    static final EngineSim SIM = EngineSim.readyAfter(Duration.ofMillis(50));

    private final RecordingListener listener = new RecordingListener();

    private final SimApps apps = SIM.liveOnBlue(4);
    private final String namespace = apps.namespace();
    private final BlueGreen blueGreen = SIM.engine(namespace).listener(listener).build();

    @Test
    void deployAwaitSwitchStatusRollback() {
        Release release = blueGreen.deploy(DeployRequest.builder("myapp")
                .image("myapp:2")
                .holder(HOLDER)
                .buildUrl(HOLDER)
                .build());

        assertThat(release.liveColor()).isEqualTo(Color.BLUE);
        assertThat(release.newColor()).isEqualTo(Color.GREEN);
        assertThat(release.images()).containsExactly("myapp:2");
        assertThat(release.revision()).isEqualTo("2");
        assertThat(release.replicas()).isEqualTo(4);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue"); // deploy never moves traffic
        Deployment green = apps.deployment("myapp-green");
        assertThat(green.getMetadata().getLabels()).contains(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(green.getMetadata().getAnnotations())
                .containsKeys(
                        "bluegreen.jenkins.io/revision",
                        "bluegreen.jenkins.io/images",
                        "bluegreen.jenkins.io/build-url",
                        "bluegreen.jenkins.io/deployed-at");
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isEqualTo(HOLDER));

        HealthSummary health = blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));

        assertThat(health.color()).isEqualTo(Color.GREEN);
        assertThat(health.replicas()).isEqualTo(4);
        assertThat(listener.progress).isNotEmpty().last().satisfies(p -> assertThat(p.summary())
                .startsWith("4/4 ready"));

        SwitchResult switched = blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .approvedBy("alice")
                .buildUrl(HOLDER)
                .holder(HOLDER)
                .build());

        assertThat(switched.outcome()).isEqualTo(SwitchResult.Outcome.SWITCHED);
        assertThat(switched.from()).isEqualTo(Color.BLUE);
        assertThat(switched.to()).isEqualTo(Color.GREEN);
        assertThat(switched.scaleDownAt()).isNotNull();
        assertThat(apps.selector("myapp")).containsOnly(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(apps.service("myapp").getMetadata().getAnnotations())
                .contains(
                        entry("bluegreen.jenkins.io/active-color", "green"),
                        entry("bluegreen.jenkins.io/previous-color", "blue"));
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull()); // released

        AppStatus status = blueGreen.status("myapp");

        assertThat(status.liveColor()).isEqualTo(Color.GREEN);
        assertThat(status.idleColor()).isEqualTo(Color.BLUE);
        assertThat(status.previousColor()).isEqualTo(Color.BLUE);
        assertThat(status.color(Color.GREEN).image()).isEqualTo("myapp:2");
        assertThat(status.color(Color.GREEN).readyReplicas()).isEqualTo(4);
        assertThat(status.color(Color.BLUE).image()).isEqualTo("myapp:1");
        assertThat(status.color(Color.BLUE).replicas()).isEqualTo(4);
        assertThat(status.color(Color.BLUE).scaleDownAt()).isEqualTo(switched.scaleDownAt());
        assertThat(status.history()).hasSize(1).first().satisfies(h -> {
            assertThat(h.action()).isEqualTo("switch");
            assertThat(h.color()).isEqualTo(Color.GREEN);
            assertThat(h.revision()).isEqualTo("2");
            assertThat(h.images()).containsExactly("myapp:2");
            assertThat(h.approvedBy()).isEqualTo("alice");
            assertThat(h.buildUrl()).isEqualTo(HOLDER);
        });

        RollbackResult rollback = blueGreen.rollback(
                RollbackRequest.builder("myapp").holder(HOLDER).build());

        assertThat(rollback.action()).isEqualTo(RollbackResult.Action.SWITCHED_BACK);
        assertThat(rollback.liveColor()).isEqualTo(Color.BLUE);
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        AppStatus after = blueGreen.status("myapp");
        assertThat(after.history())
                .extracting(HistoryEntry::action, HistoryEntry::color)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("rollback", Color.BLUE),
                        org.assertj.core.groups.Tuple.tuple("switch", Color.GREEN));
        assertThat(after.color(Color.BLUE).scaleDownAt()).isNull(); // live again: never scheduled for scale-down
    }

    @Test
    void deployFromAManifestColoursItAndOverridesTheImage() {
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: myapp
                  labels: {team: shop}
                spec:
                  replicas: 2
                  selector:
                    matchLabels: {app: myapp}
                  template:
                    metadata:
                      labels: {app: myapp, tier: web}
                    spec:
                      containers:
                      - name: web
                        image: myapp:from-manifest
                """;

        Release release = blueGreen.deploy(DeployRequest.builder("myapp")
                .manifest(manifest)
                .image("myapp:3")
                .replicas(2)
                .holder(HOLDER)
                .build());

        Deployment green = apps.deployment("myapp-green");
        assertThat(release.images()).containsExactly("myapp:3");
        assertThat(green.getMetadata().getLabels()).contains(entry("team", "shop"), entry(COLOR, "green"));
        assertThat(green.getSpec().getSelector().getMatchLabels())
                .containsOnly(entry("app", "myapp"), entry(COLOR, "green"));
        assertThat(green.getSpec().getTemplate().getMetadata().getLabels())
                .contains(entry("tier", "web"), entry(COLOR, "green"));
        assertThat(green.getSpec().getReplicas()).isEqualTo(2);
        assertThat(blueGreen
                        .awaitHealthy("myapp", Color.GREEN, Duration.ofSeconds(20))
                        .images())
                .containsExactly("myapp:3");
    }

    @Test
    void redeployingTheIdleColourReplacesItsTemplate() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));

        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:3").holder(HOLDER).build());
        HealthSummary health = blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));

        assertThat(health.images()).containsExactly("myapp:3");
        assertThat(apps.deployment("myapp-green")
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage())
                .isEqualTo("myapp:3");
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    @Test
    void aManifestThatChangesTheImmutableSelectorRecreatesTheIdleColour() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        String firstUid = apps.deployment("myapp-green").getMetadata().getUid();
        String manifest = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: myapp}
                spec:
                  selector: {matchLabels: {app: myapp, tier: web}}
                  template:
                    metadata: {labels: {app: myapp, tier: web}}
                    spec:
                      containers: [{name: web, image: "myapp:3"}]
                """;

        blueGreen.deploy(
                DeployRequest.builder("myapp").manifest(manifest).holder(HOLDER).build());

        Deployment green = apps.deployment("myapp-green");
        assertThat(green.getMetadata().getUid()).isNotEqualTo(firstUid);
        assertThat(green.getSpec().getSelector().getMatchLabels())
                .containsOnly(entry("app", "myapp"), entry("tier", "web"), entry(COLOR, "green"));
        assertThat(listener.warnings).anyMatch(w -> w.contains("recreating"));
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
        assertThat(blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20)).images())
                .containsExactly("myapp:3");
    }

    @Test
    void abandonScalesTheIdleColourToZeroAndLeavesTrafficAlone() {
        Service before = apps.service("myapp");
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        assertThat(apps.service("myapp").getMetadata().getAnnotations()).containsKey(StateKeys.DEPLOYING);

        AbandonResult abandoned = blueGreen.abandon("myapp", HOLDER);

        assertThat(abandoned.abandoned()).isEqualTo(Color.GREEN);
        assertThat(abandoned.previousReplicas()).isEqualTo(4);
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isZero();
        assertThat(apps.deployment("myapp-blue").getSpec().getReplicas()).isEqualTo(4);
        // the Service is as before the deploy: the deploy's announcement went with the release
        Service after = apps.service("myapp");
        assertThat(after.getSpec()).isEqualTo(before.getSpec());
        assertThat(after.getMetadata().getAnnotations())
                .isEqualTo(before.getMetadata().getAnnotations());
        assertThat(blueGreen.lock("myapp"))
                .hasValueSatisfying(l -> assertThat(l.holder()).isNull());
    }

    @Test
    void rollbackBeforeASwitchAbandonsThePendingRelease() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());

        RollbackResult result = blueGreen.rollback(
                RollbackRequest.builder("myapp").holder(HOLDER).build());

        assertThat(result.action()).isEqualTo(RollbackResult.Action.ABANDONED);
        assertThat(result.liveColor()).isEqualTo(Color.BLUE);
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isZero();
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "blue");
    }

    @Test
    void afterTheSwitchRollbackGoesBackButNotToAnAbandonedRedeployOfThePreviousColour() {
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());
        blueGreen.awaitHealthy("myapp", null, Duration.ofSeconds(20));
        blueGreen.switchTraffic(SwitchRequest.builder("myapp")
                .holder(HOLDER)
                .scaleDownDelay(Duration.ZERO)
                .build());
        blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:3").holder(HOLDER).build()); // into blue

        assertThat(blueGreen
                        .rollback(
                                RollbackRequest.builder("myapp").holder(HOLDER).build())
                        .action())
                .isEqualTo(RollbackResult.Action.ABANDONED);
        assertThatThrownBy(() -> blueGreen.rollback(
                        RollbackRequest.builder("myapp").holder(HOLDER).build()))
                .isInstanceOf(RefusedException.class)
                .hasMessageStartingWith("nothing to roll back: the previous colour");
        assertThat(apps.selector("myapp")).containsEntry(COLOR, "green");
    }

    @Test
    void replicasFollowAnHpaThatScalesTheLiveColour() {
        var hpa = SIM.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .resource(new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder()
                        .withNewMetadata()
                        .withName("myapp-hpa")
                        .endMetadata()
                        .withNewSpec()
                        .withMinReplicas(2)
                        .withMaxReplicas(10)
                        .withNewScaleTargetRef()
                        .withApiVersion("apps/v1")
                        .withKind("Deployment")
                        .withName("myapp-blue")
                        .endScaleTargetRef()
                        .endSpec()
                        .withNewStatus()
                        .withCurrentReplicas(6)
                        .withDesiredReplicas(6)
                        .endStatus()
                        .build())
                .create();
        hpa.setStatus(new io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerStatusBuilder()
                .withCurrentReplicas(6)
                .withDesiredReplicas(6)
                .build());
        SIM.client()
                .autoscaling()
                .v2()
                .horizontalPodAutoscalers()
                .inNamespace(namespace)
                .resource(hpa)
                .updateStatus();

        Release release = blueGreen.deploy(
                DeployRequest.builder("myapp").image("myapp:2").holder(HOLDER).build());

        assertThat(release.replicas()).isEqualTo(6);
        assertThat(release.hpa()).isEqualTo("myapp-hpa");
        assertThat(apps.deployment("myapp-green").getSpec().getReplicas()).isEqualTo(6);
    }
}
