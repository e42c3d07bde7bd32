package io.jenkins.plugins.bluegreen.plugin.world;

import org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition;
import org.jenkinsci.plugins.workflow.job.WorkflowJob;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jvnet.hudson.test.JenkinsRule;

/**
 * The two shapes of a release from Jenkinsfile.example, as sandboxed Scripted Pipelines (Declarative is not a test
 * dependency; the try/catch is what its {@code post { unsuccessful }} cleanup, {@code rollback abandonOnly: true}, does).
 */
final class Pipelines {
    static final String JOB = "release";

    private Pipelines() {}

    /**
     * Composed: deploy, gate, switch; on abort or failure after the deploy started and before the switch, run the
     * cleanup ({@code rollback abandonOnly: true}: abandons this build's new colour, if any) and rethrow so the build keeps its ABORTED/FAILURE result. scaleDownDelay 0
     * keeps the old colour running, so the tests can look at both colours afterwards.
     */
    static String composed(WorldCluster cluster) {
        return composed(cluster, WorldCluster.NEW_IMAGE);
    }

    /** The composed release of {@code image} (e.g. an invalid one, refused before the deploy announces itself). */
    static String composed(WorldCluster cluster, String image) {
        String c = cluster.clusterArgs();
        return "def started = false\n"
                + "def switched = false\n"
                + "try {\n"
                + "  started = true\n"
                + "  def r = blueGreenDeploy(app: 'myapp', image: '" + image + "', " + c + ")\n"
                + "  echo \"deployed ${r.newColor}; live ${r.liveColor}; healthy ${r.healthy}\"\n"
                + "  def approver = " + Gate.INPUT + "\n"
                + "  def live = switchTraffic(app: 'myapp', to: r.newColor, approvedBy: approver, scaleDownDelay: '0', "
                + "expectRevision: r.testedRevision, " + c + ")\n"
                + "  switched = true\n"
                + "  echo \"live now ${live}\"\n"
                + "} catch (e) {\n"
                + "  if (started && !switched) {\n"
                + "    def liveAfter = rollback(app: 'myapp', abandonOnly: true, " + c + ")\n"
                + "    echo \"after rollback ${liveAfter} is live\"\n"
                + "  }\n"
                + "  throw e\n"
                + "}\n";
    }

    /** Block form (blueGreenRelease): the gate is the body; the step switches on Proceed and abandons on Abort. */
    static String blockForm(WorldCluster cluster) {
        return "def r = blueGreenRelease(app: 'myapp', image: '" + WorldCluster.NEW_IMAGE + "', scaleDownDelay: '0', "
                + cluster.clusterArgs() + ") {\n"
                + "  " + Gate.INPUT + "\n"
                + "}\n"
                + "echo \"switched ${r.switched} to ${r.newColor}\"\n";
    }

    /** Block form whose body fails without any person involved (a failing smoke test). */
    static String blockFormFailingBody(WorldCluster cluster) {
        return "blueGreenRelease(app: 'myapp', image: '" + WorldCluster.NEW_IMAGE + "', " + cluster.clusterArgs()
                + ") {\n"
                + "  error 'smoke test failed'\n"
                + "}\n";
    }

    /** Block form whose new colour never gets healthy: the body must not run. */
    static String blockFormWithImage(WorldCluster cluster, String image) {
        return "blueGreenRelease(app: 'myapp', image: '" + image + "', " + cluster.clusterArgs() + ") {\n"
                + "  echo 'the body ran'\n"
                + "}\n";
    }

    /** Each deploying step called in the form Pipeline refuses for it. */
    static String releaseWithoutBlock(WorldCluster cluster) {
        return "blueGreenRelease(app: 'myapp', image: '" + WorldCluster.NEW_IMAGE + "', " + cluster.clusterArgs()
                + ")\n";
    }

    static String deployWithBlock(WorldCluster cluster) {
        return "blueGreenDeploy(app: 'myapp', image: '" + WorldCluster.NEW_IMAGE + "', " + cluster.clusterArgs()
                + ") {\n"
                + "  echo 'the body ran'\n"
                + "}\n";
    }

    static WorkflowRun start(JenkinsRule j, String script) throws Exception {
        return start(j, JOB, script);
    }

    static WorkflowRun start(JenkinsRule j, String jobName, String script) throws Exception {
        WorkflowJob job = j.createProject(WorkflowJob.class, jobName);
        job.setDefinition(new CpsFlowDefinition(script, true));
        return job.scheduleBuild2(0).waitForStart();
    }

    static WorkflowRun build(JenkinsRule j, int number) {
        return j.jenkins.getItemByFullName(JOB, WorkflowJob.class).getBuildByNumber(number);
    }
}
