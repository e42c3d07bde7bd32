/**
 * World-only tests: the steps inside a real Jenkins (jenkins-test-harness) with real Pipeline, {@code input} and
 * Snippet Generator, against kube-sim.
 *
 * <p>They need the Jenkins Maven repository (jenkins-test-harness, workflow-cps and its {@code tests} jar,
 * workflow-job, workflow-basic-steps, pipeline-input-step), so only the plugin build (root {@code pom.xml}) compiles them:
 * <pre>
 *   mvn verify                                                    # all tests, these included
 *   mvn verify -Dtest='io.jenkins.plugins.bluegreen.plugin.world.*Test'
 * </pre>
 * The build here, {@code offline/pom.xml}, excludes this package from test compilation; the offline tests drive the
 * same step executions through a test StepContext instead.
 *
 * <p>What they hold: the composed release ({@code blueGreenDeploy} → {@code input} → {@code switchTraffic}, rollback
 * on abort) and the block form ({@code blueGreenRelease}), each answered Proceed and Abort through Jenkins' REST
 * endpoints as a member of the submitter group; a controller restart while the build waits at the gate; and the
 * Snippet Generator's round trip for every step. The cluster is kube-sim, reached through {@code serverUrl} and a secret text (token) credential.
 * No assertion depends on timing: builds are awaited with {@code waitForMessage}/{@code waitForCompletion}.
 */
package io.jenkins.plugins.bluegreen.plugin.world;
