package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The engine names request fields in its input errors; the CLI shows the option a person typed instead, found in
 * picocli's model of the command. These tests fail when the engine names a field no command has a flag for.
 */
class OptionOfFieldTest {

    /**
     * Fields the engine names that no flag sets, each for a reason: the CLI passes none of them, or (the holder) takes
     * it from the environment. A new field belongs here only with its reason.
     */
    private static final Map<String, String> NO_FLAG = Map.of(
            "holder", "BLUEGREEN_HOLDER, the environment (ExitCodes names it)",
            "service.selector", "the live Service's selector as found in the cluster, not input",
            "container", "the CLI has no --container: --image goes to the first container",
            "deploymentNamePattern", "a setting; the CLI runs with the defaults",
            "historyLimit", "a setting; the CLI runs with the defaults",
            "endpointsTimeout", "a setting; the CLI runs with the defaults",
            "leaseDuration", "a setting; the CLI runs with the defaults");

    /** A field given as the first string of an engine input check: the exception itself or a checking helper. */
    private static final Pattern FIELD = Pattern.compile("(?:InvalidInputException|serviceName|approvedBy|atMostMax"
            + "|replicas|parse|parsePositive)\\(\\s*\"([A-Za-z.]+)\"");

    private static final CommandSpec CLI =
            BlueGreenCli.commandLine(new BlueGreenCli()).getCommandSpec();

    @Test
    void everyFieldTheEngineNamesInAnInputErrorHasACommandLineFlag() throws IOException {
        Set<String> named = engineFields();
        assertThat(named)
                .as("fields found in the engine's input checks")
                .contains("app", "previewService", "verifyFor");
        Set<String> withoutFlag = new TreeSet<>();
        for (String field : named) {
            if (!NO_FLAG.containsKey(field)
                    && commands().noneMatch(c -> ExitCodes.optionFor(c, field).isPresent())) {
                withoutFlag.add(field);
            }
        }
        assertThat(withoutFlag)
                .as("engine input fields no bluegreen command has a flag for (add the flag, or the "
                        + "field to NO_FLAG with the reason)")
                .isEmpty();
    }

    @Test
    void theOptionIsReadFromTheCommandThatRan() {
        CommandSpec deploy = CLI.subcommands().get("deploy").getCommandSpec();
        assertThat(ExitCodes.optionFor(deploy, "previewService")).contains("--preview-service");
        assertThat(ExitCodes.optionFor(deploy, "namespace")).contains("-n/--namespace");
        assertThat(ExitCodes.optionFor(deploy, "holder")).contains(HolderIdentity.ENV);
        assertThat(ExitCodes.optionFor(deploy, "service.selector")).isEmpty();
        assertThat(ExitCodes.optionFor(CLI.subcommands().get("switch").getCommandSpec(), "verifyFor"))
                .contains("--verify-for");
        // status has no --to: the engine's own words stay
        assertThat(ExitCodes.optionFor(CLI.subcommands().get("status").getCommandSpec(), "to"))
                .isEmpty();
    }

    @Test
    void anEngineInputErrorIsToldWithTheFlag() {
        CommandSpec switchCommand = CLI.subcommands().get("switch").getCommandSpec();
        assertThat(ExitCodes.message(
                        new InvalidInputException("scaleDownDelay", "'5x' is not a duration", "use 90s"),
                        switchCommand))
                .isEqualTo("--scale-down-delay: '5x' is not a duration — use 90s (nothing was " + "changed)");
        assertThat(ExitCodes.message(
                        new InvalidInputException("service.selector", "has no app key", "add one"), switchCommand))
                .isEqualTo("service.selector: has no app key — add one (nothing was changed)");
    }

    private static Stream<CommandSpec> commands() {
        return Stream.concat(Stream.of(CLI), CLI.subcommands().values().stream().map(CommandLine::getCommandSpec));
    }

    private static Set<String> engineFields() throws IOException {
        Path engine = Path.of(
                System.getProperty("basedir", "."),
                "..",
                "src",
                "main",
                "java",
                "io",
                "jenkins",
                "plugins",
                "bluegreen",
                "core");
        Set<String> fields = new TreeSet<>();
        List<Path> files;
        try (Stream<Path> walk = Files.list(engine)) {
            files = walk.filter(f -> f.toString().endsWith(".java")).toList();
        }
        for (Path file : files) {
            Matcher m = FIELD.matcher(Files.readString(file));
            while (m.find()) {
                fields.add(m.group(1));
            }
        }
        return fields;
    }
}
