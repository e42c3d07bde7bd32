package io.jenkins.plugins.bluegreen.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jenkinsci.Symbol;
import org.jenkinsci.plugins.workflow.steps.StepDescriptor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;

/**
 * The Snippet Generator writes only what config.jelly offers and explains only what has a help file: every
 * constructor parameter and {@code @DataBoundSetter} of every step has both (cluster parameters through
 * ClusterStep's cluster.jelly, which every step includes), and the descriptor names the symbol the docs use.
 */
class SnippetResourcesTest {

    private static final String ROOT = "/io/jenkins/plugins/bluegreen/plugin/";

    @ParameterizedTest
    @ValueSource(
            classes = {
                BlueGreenDeployStep.class,
                BlueGreenReleaseStep.class,
                AwaitHealthyStep.class,
                SwitchTrafficStep.class,
                RollbackStep.class
            })
    void everyParameterHasAConfigEntryAndAHelpFile(Class<?> stepClass) throws Exception {
        String config = read(ROOT + stepClass.getSimpleName() + "/config.jelly");
        String cluster = read(ROOT + "ClusterStep/cluster.jelly");
        assertThat(config)
                .contains("<st:include page=\"cluster.jelly\" class=\"" + ClusterStep.class.getName() + "\"/>");
        if (DeployingStep.class.isAssignableFrom(stepClass)) {
            assertThat(config)
                    .contains("<st:include page=\"deploy.jelly\" class=\"" + DeployingStep.class.getName() + "\"/>");
            config = config + read(ROOT + "DeployingStep/deploy.jelly");
        }
        assertThat(resource(ROOT + stepClass.getSimpleName() + "/help.html"))
                .as("help.html")
                .isNotNull();

        for (String field : parameters(stepClass)) {
            assertThat(config.contains("field=\"" + field + "\"") || cluster.contains("field=\"" + field + "\""))
                    .as("config entry for %s.%s", stepClass.getSimpleName(), field)
                    .isTrue();
            assertThat(helpFile(stepClass, field))
                    .as("help-%s.html for %s", field, stepClass.getSimpleName())
                    .isNotNull();
        }
        // and nothing in the form that the step would not bind
        for (String field : fieldsIn(config)) {
            assertThat(parameters(stepClass))
                    .as("bound parameter for config entry %s", field)
                    .contains(field);
        }
    }

    @ParameterizedTest
    @ValueSource(
            classes = {
                BlueGreenDeployStep.class,
                BlueGreenReleaseStep.class,
                AwaitHealthyStep.class,
                SwitchTrafficStep.class,
                RollbackStep.class
            })
    void descriptorsCarryTheSymbolAndFunctionName(Class<?> stepClass) throws Exception {
        Class<?> descriptorClass = Class.forName(stepClass.getName() + "$DescriptorImpl");
        StepDescriptor descriptor =
                (StepDescriptor) descriptorClass.getDeclaredConstructor().newInstance();
        String symbol = descriptorClass.getAnnotation(Symbol.class).value()[0];
        assertThat(descriptor.getFunctionName()).isEqualTo(symbol);
        // Pipeline refuses a block step called without a body and a plain step called with one: only the release
        assertThat(descriptor.takesImplicitBlockArgument()).isEqualTo(stepClass == BlueGreenReleaseStep.class);
        assertThat(descriptor.getRequiredContext()).hasSize(3);
    }

    /** The app of the constructor plus every setter's property, the superclass's included. */
    static Set<String> parameters(Class<?> stepClass) {
        Set<String> names = new TreeSet<>();
        for (Constructor<?> c : stepClass.getConstructors()) {
            if (c.isAnnotationPresent(DataBoundConstructor.class)) {
                assertThat(c.getParameterCount()).isEqualTo(1);
                names.add("app");
            }
        }
        for (Class<?> k = stepClass; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Method m : k.getDeclaredMethods()) {
                if (m.isAnnotationPresent(DataBoundSetter.class)) {
                    String n = m.getName().substring(3);
                    names.add(Character.toLowerCase(n.charAt(0)) + n.substring(1));
                }
            }
        }
        return names;
    }

    private static List<String> fieldsIn(String jelly) {
        List<String> fields = new ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("field=\"([^\"]+)\"").matcher(jelly);
        while (m.find()) {
            fields.add(m.group(1));
        }
        return fields;
    }

    /** Like Jenkins: the step's own folder, then its superclasses'. */
    private static java.net.URL helpFile(Class<?> stepClass, String field) {
        for (Class<?> k = stepClass; k != null && k != Object.class; k = k.getSuperclass()) {
            java.net.URL url = resource(ROOT + k.getSimpleName() + "/help-" + field + ".html");
            if (url != null) {
                return url;
            }
        }
        return null;
    }

    private static java.net.URL resource(String path) {
        return SnippetResourcesTest.class.getResource(path);
    }

    private static String read(String path) throws IOException {
        try (InputStream in = SnippetResourcesTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
