package io.jenkins.plugins.bluegreen.core;

import static io.jenkins.plugins.bluegreen.core.TestObjects.deployment;
import static io.jenkins.plugins.bluegreen.core.TestObjects.readyPod;
import static io.jenkins.plugins.bluegreen.core.TestObjects.waitingPod;
import static io.jenkins.plugins.bluegreen.core.TestObjects.withCondition;
import static io.jenkins.plugins.bluegreen.core.TestObjects.withStatus;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RolloutHealthTest {
    private final Deployment tenReplicas = deployment("myapp-green", Map.of("app", "myapp"), 10, "myapp:2");

    @Test
    void healthyWhenEveryReplicaIsUpdatedReadyAndAvailableAndTheGenerationIsObserved() {
        HealthVerdict verdict =
                RolloutHealth.evaluate(withStatus(tenReplicas, 2, 2, 10, 10, 10, 10), Color.GREEN, List.of());

        assertThat(verdict).isInstanceOf(HealthVerdict.Healthy.class);
        assertThat(verdict.progress().summary()).isEqualTo("10/10 ready (10 updated, 10 available)");
    }

    @Test
    void notHealthyWhileTheControllerHasNotObservedTheNewGeneration() {
        // the status still describes the previous template: all ready, but of the old generation
        HealthVerdict verdict =
                RolloutHealth.evaluate(withStatus(tenReplicas, 3, 2, 10, 10, 10, 10), Color.GREEN, List.of());

        assertThat(verdict).isInstanceOf(HealthVerdict.Progressing.class);
    }

    @Test
    void notHealthyUntilAvailableWhichHonoursMinReadySeconds() {
        HealthVerdict verdict =
                RolloutHealth.evaluate(withStatus(tenReplicas, 1, 1, 10, 10, 10, 7), Color.GREEN, List.of());

        assertThat(verdict).isInstanceOf(HealthVerdict.Progressing.class);
        assertThat(verdict.progress().summary()).isEqualTo("10/10 ready (10 updated, 7 available)");
    }

    @Test
    void notHealthyWhileOldReplicasAreStillTerminating() {
        HealthVerdict verdict =
                RolloutHealth.evaluate(withStatus(tenReplicas, 1, 1, 12, 10, 10, 10), Color.GREEN, List.of());

        assertThat(verdict).isInstanceOf(HealthVerdict.Progressing.class);
    }

    @Test
    void progressNamesThePodsThatAreNotReadyYet() {
        HealthVerdict verdict = RolloutHealth.evaluate(
                withStatus(tenReplicas, 1, 1, 10, 10, 7, 7),
                Color.GREEN,
                List.of(readyPod("p1"), waitingPod("p2", "ContainerCreating", null)));

        assertThat(verdict).isInstanceOfSatisfying(HealthVerdict.Progressing.class, p -> {
            assertThat(p.progress().toString()).isEqualTo("myapp-green: 7/10 ready (10 updated, 7 available)");
            assertThat(p.notReady())
                    .extracting(PodProblem::pod, PodProblem::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("p2", "ContainerCreating"));
        });
    }

    @Test
    void failsFastOnEachReasonWaitingWillNotCure() {
        for (String reason :
                List.of("ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "CreateContainerConfigError")) {
            HealthVerdict verdict = RolloutHealth.evaluate(
                    withStatus(tenReplicas, 1, 1, 10, 10, 3, 3),
                    Color.GREEN,
                    List.of(readyPod("p1"), waitingPod("p2", reason, "because " + reason)));

            assertThat(verdict).as(reason).isInstanceOfSatisfying(HealthVerdict.Failed.class, f -> {
                assertThat(f.reason()).isEqualTo(reason);
                assertThat(f.pods()).containsExactly(new PodProblem("p2", "app", reason, "because " + reason));
            });
        }
    }

    @Test
    void failsFastOnUnschedulablePods() {
        HealthVerdict verdict = RolloutHealth.evaluate(
                withStatus(tenReplicas, 1, 1, 10, 10, 0, 0), Color.GREEN, List.of(TestObjects.unschedulablePod("p9")));

        assertThat(verdict).isInstanceOfSatisfying(HealthVerdict.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo("Unschedulable");
            assertThat(f.pods().get(0).message()).contains("Insufficient cpu");
        });
    }

    @Test
    void failsOnProgressDeadlineExceeded() {
        Deployment stuck = withCondition(
                withStatus(tenReplicas, 1, 1, 10, 10, 2, 2),
                "Progressing",
                "False",
                "ProgressDeadlineExceeded",
                "ReplicaSet \"myapp-green-abc\" has timed out progressing.");

        HealthVerdict verdict = RolloutHealth.evaluate(stuck, Color.GREEN, List.of());

        assertThat(verdict).isInstanceOfSatisfying(HealthVerdict.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo("ProgressDeadlineExceeded");
            assertThat(f.detail()).contains("timed out progressing");
        });
    }

    @Test
    void failsOnReplicaFailureSuchAsQuota() {
        Deployment quota = withCondition(
                withStatus(tenReplicas, 1, 1, 0, 0, 0, 0),
                "ReplicaFailure",
                "True",
                "FailedCreate",
                "pods \"myapp-green-x\" is forbidden: exceeded quota: compute");

        HealthVerdict verdict = RolloutHealth.evaluate(quota, Color.GREEN, List.of());

        assertThat(verdict).isInstanceOfSatisfying(HealthVerdict.Failed.class, f -> {
            assertThat(f.reason()).isEqualTo("FailedCreate");
            assertThat(f.detail()).contains("exceeded quota");
        });
    }

    @Test
    void ignoresFailingPodsOfAPreviousReleaseThatAreBeingReplaced() {
        Deployment marked = new DeploymentBuilder(withStatus(tenReplicas, 2, 2, 11, 10, 9, 9))
                .editSpec()
                .editTemplate()
                .editMetadata()
                .addToAnnotations(StateKeys.RELEASE, "r2")
                .endMetadata()
                .endTemplate()
                .endSpec()
                .build();
        Pod oldCrashing = new PodBuilder(waitingPod("old", "CrashLoopBackOff", "boom"))
                .editMetadata()
                .addToAnnotations(StateKeys.RELEASE, "r1")
                .endMetadata()
                .build();
        Pod terminating = new PodBuilder(waitingPod("gone", "CrashLoopBackOff", "boom"))
                .editMetadata()
                .addToAnnotations(StateKeys.RELEASE, "r2")
                .withDeletionTimestamp("2026-01-01T00:00:00Z")
                .endMetadata()
                .build();

        HealthVerdict verdict = RolloutHealth.evaluate(marked, Color.GREEN, List.of(oldCrashing, terminating));

        assertThat(verdict).isInstanceOf(HealthVerdict.Progressing.class);
    }

    @Test
    void zeroReplicasIsHealthyOnceObserved() {
        Deployment none = deployment("myapp-green", Map.of("app", "myapp"), 0, "myapp:2");

        assertThat(RolloutHealth.evaluate(withStatus(none, 2, 2, 0, 0, 0, 0), Color.GREEN, List.of()))
                .isInstanceOf(HealthVerdict.Healthy.class);
    }
}
