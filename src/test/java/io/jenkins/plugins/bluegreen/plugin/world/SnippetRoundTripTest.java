package io.jenkins.plugins.bluegreen.plugin.world;

import io.jenkins.plugins.bluegreen.plugin.AwaitHealthyStep;
import io.jenkins.plugins.bluegreen.plugin.BlueGreenDeployStep;
import io.jenkins.plugins.bluegreen.plugin.BlueGreenReleaseStep;
import io.jenkins.plugins.bluegreen.plugin.ClusterStep;
import io.jenkins.plugins.bluegreen.plugin.RollbackStep;
import io.jenkins.plugins.bluegreen.plugin.SwitchTrafficStep;
import org.jenkinsci.plugins.workflow.cps.SnippetizerTester;
import org.junit.jupiter.api.Test;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.junit.jupiter.WithJenkins;

/**
 * What the Snippet Generator writes for each step, and that the written call parses back into an equal step
 * ({@link SnippetizerTester#assertRoundTrip}). Named arguments come out in alphabetical order and defaults are
 * left out, as Jenkins' DescribableModel does; a step given only {@code app} is written in the short form.
 * blueGreenDeploy is written without a block and blueGreenRelease with one: the Snippet Generator appends a block
 * ({@code // some block}) to every call of a step whose descriptor takes one.
 */
@WithJenkins
class SnippetRoundTripTest {

    /** Stored trimmed, like every optional text parameter. */
    private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";

    @Test
    void blueGreenDeploy(JenkinsRule j) throws Exception {
        SnippetizerTester snippets = new SnippetizerTester(j);
        BlueGreenDeployStep step = new BlueGreenDeployStep("myapp");
        snippets.assertRoundTrip(step, "blueGreenDeploy 'myapp'");

        step.setImage("registry.example.com/myapp:2.0");
        step.setContainer("web");
        step.setReplicas(10);
        step.setRevision("2.0");
        step.setPreviewService("myapp-preview");
        step.setWait(false);
        step.setTimeout("15m");
        step.setLockWait("30m");
        snippets.assertRoundTrip(
                step,
                "blueGreenDeploy app: 'myapp', container: 'web', "
                        + "image: 'registry.example.com/myapp:2.0', lockWait: '30m', previewService: 'myapp-preview', "
                        + "replicas: 10, revision: '2.0', timeout: '15m', wait: false");

        BlueGreenDeployStep fromFile = new BlueGreenDeployStep("myapp");
        fromFile.setManifestFile("k8s/deployment.yaml");
        snippets.assertRoundTrip(fromFile, "blueGreenDeploy app: 'myapp', manifestFile: 'k8s/deployment.yaml'");

        BlueGreenDeployStep inline = new BlueGreenDeployStep("myapp");
        inline.setManifest("kind: Deployment\nspec:\n  replicas: 2\n");
        snippets.assertRoundTrip(
                inline, "blueGreenDeploy app: 'myapp', manifest: '''kind: Deployment\nspec:\n  replicas: 2\n'''");
        SnippetizerTester.assertDocGeneration(BlueGreenDeployStep.class);
    }

    @Test
    void blueGreenRelease(JenkinsRule j) throws Exception {
        SnippetizerTester snippets = new SnippetizerTester(j);
        BlueGreenReleaseStep step = new BlueGreenReleaseStep("myapp");
        snippets.assertRoundTrip(step, "blueGreenRelease('myapp') {\n    // some block\n}");

        step.setImage("registry.example.com/myapp:2.0");
        step.setContainer("web");
        step.setReplicas(10);
        step.setRevision("2.0");
        step.setPreviewService("myapp-preview");
        step.setTimeout("15m");
        step.setLockWait("30m");
        step.setScaleDownDelay("1h");
        step.setApprovedBy("alice");
        snippets.assertRoundTrip(
                step,
                "blueGreenRelease(app: 'myapp', approvedBy: 'alice', container: 'web', "
                        + "image: 'registry.example.com/myapp:2.0', lockWait: '30m', previewService: 'myapp-preview', "
                        + "replicas: 10, revision: '2.0', scaleDownDelay: '1h', timeout: '15m') {\n    // some block\n}");

        BlueGreenReleaseStep fromFile = new BlueGreenReleaseStep("myapp");
        fromFile.setManifestFile("k8s/deployment.yaml");
        snippets.assertRoundTrip(
                fromFile,
                "blueGreenRelease(app: 'myapp', manifestFile: 'k8s/deployment.yaml') {\n    // some block\n}");
        SnippetizerTester.assertDocGeneration(BlueGreenReleaseStep.class);
    }

    @Test
    void awaitHealthy(JenkinsRule j) throws Exception {
        SnippetizerTester snippets = new SnippetizerTester(j);
        AwaitHealthyStep step = new AwaitHealthyStep("myapp");
        snippets.assertRoundTrip(step, "awaitHealthy 'myapp'");

        step.setColor("green");
        step.setTimeout("20m");
        snippets.assertRoundTrip(step, "awaitHealthy app: 'myapp', color: 'green', timeout: '20m'");
        SnippetizerTester.assertDocGeneration(AwaitHealthyStep.class);
    }

    @Test
    void switchTraffic(JenkinsRule j) throws Exception {
        SnippetizerTester snippets = new SnippetizerTester(j);
        SwitchTrafficStep step = new SwitchTrafficStep("myapp");
        snippets.assertRoundTrip(step, "switchTraffic 'myapp'");

        step.setTo("green");
        step.setApprovedBy("alice");
        step.setScaleDownDelay("0");
        step.setWaitForScaleDown(true);
        step.setLockWait("5m");
        step.setExpectRevision("5f7c9d8b6@sha256:" + "a".repeat(64));
        snippets.assertRoundTrip(
                step,
                "switchTraffic app: 'myapp', approvedBy: 'alice', expectRevision: "
                        + "'5f7c9d8b6@sha256:" + "a".repeat(64) + "', lockWait: '5m', "
                        + "scaleDownDelay: '0', to: 'green', waitForScaleDown: true");
        SnippetizerTester.assertDocGeneration(SwitchTrafficStep.class);
    }

    @Test
    void rollback(JenkinsRule j) throws Exception {
        SnippetizerTester snippets = new SnippetizerTester(j);
        RollbackStep step = new RollbackStep("myapp");
        snippets.assertRoundTrip(step, "rollback 'myapp'");

        step.setTakeOverLock(true);
        step.setApprovedBy("alice");
        step.setTimeout("15m");
        step.setLockWait("5m");
        snippets.assertRoundTrip(
                step,
                "rollback app: 'myapp', approvedBy: 'alice', lockWait: '5m', " + "takeOverLock: true, timeout: '15m'");

        RollbackStep cleanup = new RollbackStep("myapp");
        cleanup.setAbandonOnly(true);
        snippets.assertRoundTrip(cleanup, "rollback abandonOnly: true, app: 'myapp'");
        SnippetizerTester.assertDocGeneration(RollbackStep.class);
    }

    /** The cluster parameters every step shares, on one step of each kind. */
    @Test
    void clusterParameters(JenkinsRule j) throws Exception {
        SnippetizerTester snippets = new SnippetizerTester(j);
        String cluster = "caCertificate: '''" + CA + "''', context: 'prod', credentialsId: 'k8s-shop-deployer', "
                + "namespace: 'shop', serverUrl: 'https://k8s.example.com:6443', service: 'myapp-live', "
                + "skipTlsVerify: true";

        snippets.assertRoundTrip(withCluster(new AwaitHealthyStep("myapp")), "awaitHealthy app: 'myapp', " + cluster);
        snippets.assertRoundTrip(withCluster(new SwitchTrafficStep("myapp")), "switchTraffic app: 'myapp', " + cluster);
        snippets.assertRoundTrip(withCluster(new RollbackStep("myapp")), "rollback app: 'myapp', " + cluster);
        BlueGreenDeployStep deploy = withCluster(new BlueGreenDeployStep("myapp"));
        deploy.setImage("registry.example.com/myapp:2.0");
        snippets.assertRoundTrip(
                deploy,
                "blueGreenDeploy app: 'myapp', "
                        + cluster.replace(
                                "credentialsId: 'k8s-shop-deployer', ",
                                "credentialsId: 'k8s-shop-deployer', image: 'registry.example.com/myapp:2.0', "));
    }

    /** The Snippet Generator's own endpoint: the form's JSON, bound by Jenkins, written as a call. */
    @Test
    void snippetGeneratorEndpoint(JenkinsRule j) throws Exception {
        SnippetizerTester snippets = new SnippetizerTester(j);
        snippets.assertGenerateSnippet(
                "{'stapler-class':'" + SwitchTrafficStep.class.getName()
                        + "','app':'myapp','approvedBy':'alice','to':'green'}",
                "switchTraffic app: 'myapp', approvedBy: 'alice', to: 'green'",
                null);
        snippets.assertGenerateSnippet(
                "{'stapler-class':'" + RollbackStep.class.getName() + "','app':'myapp'}", "rollback 'myapp'", null);
    }

    private static <S extends ClusterStep> S withCluster(S step) {
        step.setNamespace("shop");
        step.setCredentialsId("k8s-shop-deployer");
        step.setServerUrl("https://k8s.example.com:6443");
        step.setCaCertificate(CA);
        step.setContext("prod");
        step.setSkipTlsVerify(true);
        step.setService("myapp-live");
        return step;
    }
}
