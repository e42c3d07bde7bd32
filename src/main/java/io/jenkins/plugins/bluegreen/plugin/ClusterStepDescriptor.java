package io.jenkins.plugins.bluegreen.plugin;

import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import hudson.EnvVars;
import hudson.model.Item;
import hudson.model.Run;
import hudson.model.TaskListener;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.util.Map;
import java.util.Set;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.kohsuke.stapler.AncestorInPath;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.verb.POST;

/**
 * What the four steps' descriptors share: the context they need and the Snippet Generator's validation and
 * credential list for the cluster parameters. Validation texts come from {@link StepInput}, the same checks the
 * executions make, so the form and the build say the same thing.
 */
public abstract class ClusterStepDescriptor extends StepDescriptor {

    @Override
    public Set<? extends Class<?>> getRequiredContext() {
        return Set.of(TaskListener.class, Run.class, EnvVars.class);
    }

    /**
     * The Pipeline Steps view's Arguments column: the app and what the step moves it to (image, colour), never the
     * cluster parameters; Jenkins' default shows nothing for a step with more than one argument.
     */
    @Override
    public String argumentsToString(Map<String, Object> namedArgs) {
        Object app = namedArgs.get("app");
        if (app == null) {
            return null;
        }
        StringBuilder text = new StringBuilder(app.toString());
        for (String key : new String[] {"image", "manifestFile", "to", "color"}) {
            Object value = namedArgs.get(key);
            if (value != null && !value.toString().isBlank()) {
                text.append(' ').append(key).append(": ").append(value);
            }
        }
        if (Boolean.TRUE.equals(namedArgs.get("abandonOnly"))) {
            text.append(" (abandon only)");
        }
        return text.toString();
    }

    /**
     * Credentials that can log in to Kubernetes, as the job's builds would see them; only for users who may configure
     * the job (or, outside a job, administer Jenkins). POST: it reveals credential IDs.
     */
    @POST
    public ListBoxModel doFillCredentialsIdItems(
            @AncestorInPath Item item, @QueryParameter String credentialsId, @QueryParameter String serverUrl) {
        return credentialsIdItems(FormScope.of(item), credentialsId, serverUrl);
    }

    static ListBoxModel credentialsIdItems(FormScope scope, String credentialsId, String serverUrl) {
        StandardListBoxModel result = new StandardListBoxModel();
        if (!scope.mayListCredentials()) {
            result.includeCurrentValue(credentialsId);
            return result;
        }
        result.includeEmptyValue();
        scope.addKubernetesCredentials(result, serverUrl);
        result.includeCurrentValue(credentialsId);
        return result;
    }

    // The doCheck methods below only parse the value they are given, the same pure checks the build makes: they read
    // nothing and change nothing, so they need neither POST nor a permission (Jenkins' form validation guidance).

    public FormValidation doCheckApp(@QueryParameter String value) {
        return check(() -> StepInput.app(ClusterStep.trimToNull(value)));
    }

    public FormValidation doCheckServerUrl(@QueryParameter String value) {
        return check(() -> StepInput.serverUrl(ClusterStep.trimToNull(value)));
    }

    public FormValidation doCheckCaCertificate(@QueryParameter String value) {
        return check(() -> StepInput.caCertificate(ClusterStep.trimToNull(value)));
    }

    public FormValidation doCheckSkipTlsVerify(@QueryParameter boolean value) {
        return value
                ? FormValidation.warning("The API server's certificate will not be checked: the credentials "
                        + "may reach an impostor. Prefer the CA certificate.")
                : FormValidation.ok();
    }

    /** Runs a {@link StepInput} check and shows its problem and fix, or OK. */
    static FormValidation check(Runnable validation) {
        try {
            validation.run();
            return FormValidation.ok();
        } catch (InvalidInputException e) {
            return FormValidation.error(e.problem() + " — " + e.fix());
        }
    }

    static FormValidation checkColor(String field, String value) {
        return check(() -> StepInput.color(field, ClusterStep.trimToNull(value)));
    }

    static FormValidation checkRevision(String field, String value) {
        String text = ClusterStep.trimToNull(value);
        return check(() -> {
            if (text != null) {
                io.jenkins.plugins.bluegreen.core.Revision.parse(field, text);
            }
        });
    }
}
