package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import org.junit.jupiter.api.Test;

/** The Snippet Generator's checks say what the build would say, and the credentials list is not for everyone. */
class DescriptorValidationTest {

    private final BlueGreenDeployStep.DescriptorImpl deploy = new BlueGreenDeployStep.DescriptorImpl();
    private final SwitchTrafficStep.DescriptorImpl switchTraffic = new SwitchTrafficStep.DescriptorImpl();
    private final AwaitHealthyStep.DescriptorImpl awaitHealthy = new AwaitHealthyStep.DescriptorImpl();
    private final RollbackStep.DescriptorImpl rollback = new RollbackStep.DescriptorImpl();
    private final BlueGreenReleaseStep.DescriptorImpl release = new BlueGreenReleaseStep.DescriptorImpl();

    @Test
    void appNames() {
        assertThat(deploy.doCheckApp("myapp").kind).isEqualTo(FormValidation.Kind.OK);
        FormValidation bad = deploy.doCheckApp("My_App");
        assertThat(bad.kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(bad.getMessage()).contains("is not a valid application name");
        assertThat(deploy.doCheckApp("").getMessage()).contains("is missing");
    }

    @Test
    void durationsUseTheSharedSyntax() {
        assertThat(deploy.doCheckTimeout("").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(deploy.doCheckTimeout("1h30m").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(deploy.doCheckTimeout("5").getMessage())
                .contains("has no unit")
                .contains("e.g. 500ms, 90s, 5m or 1h");
        assertThat(awaitHealthy.doCheckTimeout("0").getMessage()).contains("must be greater than zero");
        assertThat(switchTraffic.doCheckScaleDownDelay("0").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(rollback.doCheckLockWait("-1s").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(release.doCheckScaleDownDelay("10").getMessage()).contains("has no unit");
        assertThat(release.doCheckTimeout("0").getMessage()).contains("must be greater than zero");
        assertThat(release.doCheckReplicas("-1").kind).isEqualTo(FormValidation.Kind.ERROR);
    }

    @Test
    void coloursReplicasAndTls() {
        assertThat(switchTraffic.doCheckTo("green").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(switchTraffic.doCheckTo("purple").getMessage()).contains("is not a colour");
        assertThat(awaitHealthy.doCheckColor("").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(deploy.doCheckReplicas("-1").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(deploy.doCheckReplicas("three").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(deploy.doCheckReplicas("3").kind).isEqualTo(FormValidation.Kind.OK);
        assertThat(deploy.doCheckSkipTlsVerify(true).kind).isEqualTo(FormValidation.Kind.WARNING);
        assertThat(deploy.doCheckServerUrl("k8s.local").kind).isEqualTo(FormValidation.Kind.ERROR);
        assertThat(deploy.doCheckCaCertificate("not a pem").kind).isEqualTo(FormValidation.Kind.ERROR);
    }

    @Test
    void withoutPermissionTheCredentialsListShowsOnlyTheCurrentValue() {
        FormScope outsider = new FormScope() {
            @Override
            public boolean mayListCredentials() {
                return false;
            }

            @Override
            public void addKubernetesCredentials(StandardListBoxModel model, String serverUrl) {
                throw new AssertionError("no credentials may be listed for a user without permission");
            }
        };
        ListBoxModel items = ClusterStepDescriptor.credentialsIdItems(outsider, "prod-kubeconfig", null);
        assertThat(items).extracting(o -> o.value).containsExactly("prod-kubeconfig");
    }

    @Test
    void withPermissionTheListIsWhatTheJobMayUsePlusNoneAndTheCurrentValue() {
        FormScope configurer = new FormScope() {
            @Override
            public boolean mayListCredentials() {
                return true;
            }

            @Override
            public void addKubernetesCredentials(StandardListBoxModel model, String serverUrl) {
                model.with(new FakeCredentials.Token("shop-token", "t"));
            }
        };
        ListBoxModel items = ClusterStepDescriptor.credentialsIdItems(configurer, "gone", null);
        assertThat(items).extracting(o -> o.value).containsExactly("", "shop-token", "gone");
    }

    /** Every form method that reveals something is POST; the pure checks of a value need no permission. */
    @Test
    void formMethodsThatRevealSomethingArePost() throws Exception {
        for (Class<?> descriptor : new Class<?>[] {ClusterStepDescriptor.class, BlueGreenGlobalConfiguration.class}) {
            for (java.lang.reflect.Method m : descriptor.getMethods()) {
                if (m.getName().startsWith("doFill")) {
                    assertThat(m.isAnnotationPresent(org.kohsuke.stapler.verb.POST.class))
                            .as(m.toString())
                            .isTrue();
                }
                if (m.getName().startsWith("do")
                        && !m.getName().startsWith("doCheck")
                        && !m.getName().startsWith("doFill")) {
                    throw new AssertionError("a new form method needs its permission check and a test: " + m);
                }
            }
        }
    }

    @Test
    void pipelineStepsShowTheAppAndWhereItGoesNeverTheClusterParameters() {
        assertThat(deploy.argumentsToString(java.util.Map.of(
                        "app", "myapp", "image", "reg/myapp:2.1", "credentialsId", "k8s", "serverUrl", "https://k8s")))
                .isEqualTo("myapp image: reg/myapp:2.1");
        assertThat(switchTraffic.argumentsToString(java.util.Map.of("app", "myapp", "to", "blue")))
                .isEqualTo("myapp to: blue");
        assertThat(rollback.argumentsToString(java.util.Map.of("app", "myapp", "abandonOnly", true)))
                .isEqualTo("myapp (abandon only)");
    }
}
