package io.jenkins.plugins.bluegreen.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The engine is shared by the plugin and the CLI, so it must not name Jenkins. In the offline build the
 * engine compiles without any Jenkins API on its class path; in the plugin build Jenkins is present, and
 * this test is what keeps the boundary.
 */
class EngineIsFreeOfJenkinsTest {

    /** A package name that starts a qualified name: not preceded by a dot, so {@code io.jenkins.plugins} passes. */
    private static final Pattern JENKINS_NAME =
            Pattern.compile("(?<![\\w.])(hudson|jenkins|org\\.jenkinsci|org\\.kohsuke\\.stapler)\\.[a-zA-Z]");

    @Test
    void noEngineSourceNamesAJenkinsPackage() throws IOException {
        Path sources = Path.of(
                System.getProperty("bluegreen.engine.sources", "src/main/java/io/jenkins/plugins/bluegreen/core"));
        assertThat(sources)
                .as("the engine's sources (system property bluegreen.engine.sources)")
                .isDirectory();

        List<String> offending = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sources)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        for (Path file : files) {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                String code = withoutComment(lines.get(i));
                Matcher m = JENKINS_NAME.matcher(code);
                if (m.find()) {
                    offending.add(sources.relativize(file) + ":" + (i + 1) + ": " + code.strip());
                }
            }
        }
        assertThat(files).as("engine sources found").isNotEmpty();
        assertThat(offending)
                .as("engine lines naming Jenkins types (move that code to the plugin package)")
                .isEmpty();
    }

    @Test
    void theCheckSeesImportsAndQualifiedNamesButNotOurOwnPackage() {
        assertThat(JENKINS_NAME.matcher("import hudson.model.Run;").find()).isTrue();
        assertThat(JENKINS_NAME.matcher("jenkins.model.Jenkins.get()").find()).isTrue();
        assertThat(JENKINS_NAME
                        .matcher("import org.jenkinsci.plugins.workflow.steps.Step;")
                        .find())
                .isTrue();
        assertThat(JENKINS_NAME
                        .matcher("package io.jenkins.plugins.bluegreen.core;")
                        .find())
                .isFalse();
        assertThat(JENKINS_NAME.matcher("\"bluegreen.jenkins.io/color\"").find())
                .isFalse();
    }

    private static String withoutComment(String line) {
        String trimmed = line.strip();
        if (trimmed.startsWith("*") || trimmed.startsWith("/*") || trimmed.startsWith("//")) {
            return "";
        }
        int slashes = line.indexOf("//");
        return slashes >= 0 ? line.substring(0, slashes) : line;
    }
}
