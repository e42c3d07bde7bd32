package io.jenkins.plugins.bluegreen.plugin.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.junit.jupiter.JenkinsSessionExtension;

/**
 * The controller restarts while a release waits at the gate; the approver answers afterwards. kube-sim lives for
 * the whole class, so the cluster state survives the restart as a real cluster's would.
 */
class RestartAtGateTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @RegisterExtension
    final JenkinsSessionExtension sessions = new JenkinsSessionExtension();

    /** blueGreenRelease's execution is suspended in its body phase across the restart and switches afterwards. */
    @Test
    void blockFormProceedAfterRestart() throws Throwable {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        sessions.then(j -> {
            Gate.secure(j);
            cluster.addTokenCredential();
            Gate.awaitGate(j, Pipelines.start(j, Pipelines.blockForm(cluster)));
        });
        sessions.then(j -> {
            Gate.secure(j); // the test realm is not part of the saved configuration
            WorkflowRun run = Pipelines.build(j, 1);
            assertTrue(run.isBuilding(), "the build still waits at the gate");
            assertEquals("blue", cluster.liveColor());

            Gate.proceed(j, run, Gate.APPROVER);

            j.assertBuildStatusSuccess(j.waitForCompletion(run));
            assertEquals("green", cluster.liveColor());
            assertEquals(Gate.APPROVER, cluster.history().get(0).get("approvedBy"));
            assertNull(cluster.lockHolder());
        });
    }

    @Test
    void blockFormAbortAfterRestart() throws Throwable {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        sessions.then(j -> {
            Gate.secure(j);
            cluster.addTokenCredential();
            Gate.awaitGate(j, Pipelines.start(j, Pipelines.blockForm(cluster)));
        });
        sessions.then(j -> {
            Gate.secure(j);
            WorkflowRun run = Pipelines.build(j, 1);
            String trafficBefore = cluster.traffic();

            Gate.abort(j, run, Gate.APPROVER);

            j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(run));
            assertEquals(trafficBefore, cluster.traffic());
            assertNull(cluster.announcement());
            assertEquals(0, cluster.deployment("green").getSpec().getReplicas(), "the new colour is abandoned");
            assertNull(cluster.lockHolder());
        });
    }

    /** Composed: blueGreenDeploy has finished before the gate; the switch after the restart is a fresh step. */
    @Test
    void composedProceedAfterRestart() throws Throwable {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        sessions.then(j -> {
            Gate.secure(j);
            cluster.addTokenCredential();
            Gate.awaitGate(j, Pipelines.start(j, Pipelines.composed(cluster)));
        });
        sessions.then(j -> {
            Gate.secure(j);
            WorkflowRun run = Pipelines.build(j, 1);

            Gate.proceed(j, run, Gate.APPROVER);

            j.assertBuildStatusSuccess(j.waitForCompletion(run));
            assertEquals("green", cluster.liveColor());
            assertEquals(j.getURL() + run.getUrl(), cluster.history().get(0).get("buildUrl"));
            assertNull(cluster.lockHolder(), "the lock taken before the restart is released by the same build");
        });
    }
}
