package io.jenkins.plugins.bluegreen.plugin.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import hudson.model.Result;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import java.time.Duration;
import java.util.Map;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/** blueGreenDeploy → input → switchTraffic, the gate answered through Jenkins' REST endpoints. */
@WithJenkins
class ComposedReleaseTest {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @Test
    void proceedSwitchesTrafficAndRecordsTheApprover(JenkinsRule j) throws Exception {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        Gate.secure(j);
        cluster.addTokenCredential();
        WorkflowRun run = Pipelines.start(j, Pipelines.composed(cluster));
        Gate.awaitGate(j, run);
        assertEquals("blue", cluster.liveColor(), "nothing switches before the gate");
        j.assertLogContains("deployed green; live blue; healthy true", run);

        Gate.refusedToProceed(j, run, Gate.OUTSIDER);
        Gate.proceed(j, run, Gate.APPROVER);

        j.assertBuildStatusSuccess(j.waitForCompletion(run));
        j.assertLogContains("Approved by " + Gate.APPROVER, run);
        j.assertLogContains("[blue-green] Service myapp now selects green (was blue)", run);
        j.assertLogContains("live now green", run);
        assertEquals("green", cluster.liveColor());
        Map<String, Object> newest = cluster.history().get(0);
        assertEquals("switch", newest.get("action"));
        assertEquals("green", newest.get("color"));
        assertEquals("2.0", newest.get("revision"));
        assertEquals(Gate.APPROVER, newest.get("approvedBy"));
        assertEquals(j.getURL() + run.getUrl(), newest.get("buildUrl"));
        assertNull(cluster.lockHolder(), "the switch released the build's deploy lock");
        assertEquals(3, cluster.deployment("blue").getSpec().getReplicas(), "scaleDownDelay 0 keeps blue running");
    }

    @Test
    void abortLeavesLiveTrafficAloneAndAbandonsTheNewColour(JenkinsRule j) throws Exception {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        Gate.secure(j);
        cluster.addTokenCredential();
        WorkflowRun run = Pipelines.start(j, Pipelines.composed(cluster));
        Gate.awaitGate(j, run);
        String trafficBefore = cluster.traffic();
        assertEquals(3, cluster.deployment("green").getSpec().getReplicas());

        Gate.abort(j, run, Gate.APPROVER);

        j.assertBuildStatus(Result.ABORTED, j.waitForCompletion(run));
        j.assertLogContains("Rejected by " + Gate.APPROVER, run);
        j.assertLogContains("after rollback blue is live", run);
        assertEquals(trafficBefore, cluster.traffic(), "live traffic (selector, history) untouched");
        assertNull(cluster.announcement(), "the abandon ended the deploy's announcement");
        assertEquals("blue", cluster.liveColor());
        assertEquals(0, cluster.deployment("green").getSpec().getReplicas(), "the new colour is abandoned");
        assertEquals(3, cluster.deployment("blue").getSpec().getReplicas());
        assertTrue(cluster.history().stream().noneMatch(entry -> "switch".equals(entry.get("action"))));
        assertNull(cluster.lockHolder(), "the rollback released the build's deploy lock");
    }

    /** A deploy refused before it announced itself: the pipeline's cleanup changes nothing live. */
    @Test
    void aBuildWhoseDeployWasRefusedLeavesProductionAsItWas(JenkinsRule j) throws Exception {
        WorldCluster cluster = WorldCluster.seed(SIM.sim());
        cluster.addTokenCredential();
        String trafficBefore = cluster.traffic();
        WorkflowRun run = Pipelines.start(j, Pipelines.composed(cluster, "registry.example.com/myapp:2.5 rc1"));

        j.assertBuildStatus(Result.FAILURE, j.waitForCompletion(run));
        j.assertLogContains("(nothing was changed)", run);
        j.assertLogContains("nothing of this build to abandon for myapp; live traffic untouched", run);
        j.assertLogContains("after rollback blue is live", run);
        assertEquals(trafficBefore, cluster.traffic(), "live traffic (selector, history) untouched");
        assertEquals(3, cluster.deployment("blue").getSpec().getReplicas());
    }
}
