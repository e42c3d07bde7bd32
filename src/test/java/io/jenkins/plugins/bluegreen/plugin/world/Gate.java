package io.jenkins.plugins.bluegreen.plugin.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import hudson.model.Item;
import java.net.URL;
import jenkins.model.Jenkins;
import org.htmlunit.HttpMethod;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.jenkinsci.plugins.workflow.job.WorkflowRun;
import org.jvnet.hudson.test.JenkinsRule;
import org.jvnet.hudson.test.MockAuthorizationStrategy;

/**
 * The approval gate as release approvers meet it: security with an approvers group, and answers given the way a
 * script gives them — POST to the input's REST endpoints with the user's API token (which needs no CSRF crumb).
 */
final class Gate {
    static final String INPUT_ID = "CutOver";
    static final String MESSAGE = "Switch myapp traffic?";
    static final String APPROVERS = "release-approvers";
    static final String APPROVER = "alice";
    static final String OUTSIDER = "bob";

    /** The gate as it appears in the pipelines: a fixed id, so its URL is known; the approver's id is returned. */
    static final String INPUT = "input(id: '" + INPUT_ID + "', message: '" + MESSAGE + "', ok: 'Switch traffic', "
            + "submitter: '" + APPROVERS + "', submitterParameter: 'approver')";

    private Gate() {}

    /** alice is in release-approvers; bob may see and build the job but is no approver. */
    static void secure(JenkinsRule j) {
        JenkinsRule.DummySecurityRealm realm = j.createDummySecurityRealm();
        realm.addGroups(APPROVER, APPROVERS);
        j.jenkins.setSecurityRealm(realm);
        j.jenkins.setAuthorizationStrategy(new MockAuthorizationStrategy()
                .grant(Jenkins.READ, Item.READ)
                .everywhere()
                .to(APPROVER, OUTSIDER)
                .grant(Item.BUILD)
                .everywhere()
                .to(OUTSIDER));
    }

    /** Returns once the build shows the gate (the input prints its message when it starts waiting). */
    static void awaitGate(JenkinsRule j, WorkflowRun run) throws Exception {
        j.waitForMessage(MESSAGE, run);
    }

    static void proceed(JenkinsRule j, WorkflowRun run, String user) throws Exception {
        WebResponse response = post(j, run, "proceedEmpty", user);
        assertEquals(200, response.getStatusCode(), response.getContentAsString());
    }

    static void abort(JenkinsRule j, WorkflowRun run, String user) throws Exception {
        WebResponse response = post(j, run, "abort", user);
        assertEquals(200, response.getStatusCode(), response.getContentAsString());
    }

    static void refusedToProceed(JenkinsRule j, WorkflowRun run, String user) throws Exception {
        WebResponse response = post(j, run, "proceedEmpty", user);
        assertNotEquals(200, response.getStatusCode(), user + " must not be able to approve");
    }

    private static WebResponse post(JenkinsRule j, WorkflowRun run, String action, String user) throws Exception {
        JenkinsRule.WebClient web = j.createWebClient().withBasicApiToken(user);
        web.setThrowExceptionOnFailingStatusCode(false);
        URL url = new URL(j.getURL(), run.getUrl() + "input/" + INPUT_ID + "/" + action);
        return web.loadWebResponse(new WebRequest(url, HttpMethod.POST));
    }
}
