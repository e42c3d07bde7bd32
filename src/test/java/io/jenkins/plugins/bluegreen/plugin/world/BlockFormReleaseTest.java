package io.jenkins.plugins.bluegreen.plugin.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.PodScript;
import java.time.Duration;
import java.util.Map;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * {@code blueGreenRelease(...) { input ... }}: the step itself switches on Proceed and abandons on Abort, and on a
 * new colour that never gets healthy; Pipeline itself refuses the block form without a block and blueGreenDeploy
 * with one.
 */
@WithJenkins
class BlockFormReleaseTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @Test
    void proceedInTheBodySwitchesAndRecordsTheBodysApprover(JenkinsRule j) throws Exception {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        Gate.secure(j);
        cluster.addTokenCredential();
        WorkflowRun run = Pipelines.start(j, Pipelines.blockForm(cluster));
        Gate.awaitGate(j, run);
        assertEquals("blue", cluster.liveColor(), "the body runs before any switch");
        assertEquals(
                3,
                cluster.deployment("green").getStatus().getReadyReplicas(),
                "the body runs only once the new colour is healthy");

        Gate.proceed(j, run, Gate.APPROVER);

        j.assertBuildStatusSuccess(j.waitForCompletion(run));
        j.assertLogContains("switched true to green", run);
        assertEquals("green", cluster.liveColor());
        Map<String, Object> newest = cluster.history().get(0);
        assertEquals("switch", newest.get("action"));
        assertEquals(Gate.APPROVER, newest.get("approvedBy"), "the body's result (input's submitterParameter)");
        assertEquals(j.getURL() + run.getUrl(), newest.get("buildUrl"));
        assertNull(cluster.lockHolder());
    }

    @Test
    void abortInTheBodyAbandonsTheNewColourAndLeavesLiveAlone(JenkinsRule j) throws Exception {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        Gate.secure(j);
        cluster.addTokenCredential();
        WorkflowRun run = Pipelines.start(j, Pipelines.blockForm(cluster));
        Gate.awaitGate(j, run);
        String trafficBefore = cluster.traffic();

        Gate.abort(j, run, Gate.APPROVER);

        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(run));
        j.assertLogContains("Rejected by " + Gate.APPROVER, run);
        j.assertLogNotContains("switched true", run);
        assertEquals(trafficBefore, cluster.traffic(), "live traffic (selector, history) untouched");
        assertNull(cluster.announcement(), "the abandon ended the deploy's announcement");
        assertEquals("blue", cluster.liveColor());
        assertEquals(0, cluster.deployment("green").getSpec().getReplicas(), "the new colour is abandoned");
        assertEquals(3, cluster.deployment("blue").getSpec().getReplicas());
        assertTrue(cluster.history().stream().noneMatch(entry -> "switch".equals(entry.get("action"))));
        assertNull(cluster.lockHolder(), "abandoning released the build's deploy lock");
    }

    @Test
    void aFailingBodyAbandonsTheNewColourAndFailsTheBuild(JenkinsRule j) throws Exception {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        cluster.addTokenCredential();
        String trafficBefore = cluster.traffic();

        WorkflowRun run = Pipelines.start(j, Pipelines.blockFormFailingBody(cluster));

        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(run));
        j.assertLogContains("smoke test failed", run);
        assertEquals(trafficBefore, cluster.traffic());
        assertNull(cluster.announcement());
        assertEquals(0, cluster.deployment("green").getSpec().getReplicas(), "the new colour is abandoned");
        assertNull(cluster.lockHolder());
    }

    @Test
    void anUnhealthyNewColourIsAbandonedBeforeTheBodyAndFailsWithThePodsReasons(JenkinsRule j) throws Exception {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        cluster.addTokenCredential();
        String broken = WorldCluster.NEW_IMAGE + "-broken";
        SIM.sim().scripts().image(broken, PodScript.IMAGE_PULL_ERROR);
        String trafficBefore = cluster.traffic();

        WorkflowRun run = Pipelines.start(j, Pipelines.blockFormWithImage(cluster, broken));

        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(run));
        j.assertLogContains("blueGreenRelease: Deployment myapp-green is unhealthy", run);
        j.assertLogNotContains("the body ran", run);
        assertEquals(trafficBefore, cluster.traffic());
        assertNull(cluster.announcement());
        assertEquals(0, cluster.deployment("green").getSpec().getReplicas(), "the new colour is abandoned");
        assertNull(cluster.lockHolder(), "no lock is left behind");
    }

    @Test
    void pipelineRefusesEachDeployingStepInTheOtherForm(JenkinsRule j) throws Exception {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        cluster.addTokenCredential();

        WorkflowRun release = Pipelines.start(j, Pipelines.releaseWithoutBlock(cluster));
        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(release));
        j.assertLogContains("blueGreenRelease step must be called with a body", release);

        WorkflowRun deploy = Pipelines.start(j, "deploy-with-block", Pipelines.deployWithBlock(cluster));
        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(deploy));
        j.assertLogContains("Expected named arguments", deploy);
        j.assertLogNotContains("the body ran", deploy);
        assertNull(cluster.lockHolder(), "neither call reached the cluster");
    }
}
