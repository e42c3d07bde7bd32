package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/**
 * Exit code 2 for a command line picocli cannot make sense of; none of these reaches a cluster. Malformed values
 * (durations, colours, names, kubeconfigs, ...) are {@link BadInputTableTest}'s table.
 */
class UsageErrorsTest {

    @TempDir
    Path tmp;

    private static CliRun.Result run(String line) {
        return CliRun.run(line == null ? new String[0] : line.split(" ")); // CsvSource: empty cell is null
    }

    @ParameterizedTest(name = "[{index}] bluegreen {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "                                                   | missing command; choose one of deploy, await",
                "deployy --app myapp                                 | Did you mean: bluegreen deploy",
                "status                                              | Missing required option: '--app=APP'",
                "deploy --app myapp                                  | (--image=IMAGE | --manifest=FILE)",
                "deploy --app myapp --image a:1 --manifest m.yaml    | mutually exclusive",
                "status --app myapp --bogus                          | Unknown option: '--bogus'",
                "status --app myapp -o yaml                          | Invalid value for option '--output'",
                "demo --yes --abort                                  | mutually exclusive",
            })
    void usageErrorsExit2WithTheOptionNamed(String line, String message) {
        CliRun.Result r = run(line);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(message);
        assertThat(r.out()).isEmpty();
    }

    /**
     * Names that need no cluster are refused before any kubeconfig is read or client built (here the kubeconfig does
     * not even exist), so bad input answers at once.
     */
    @ParameterizedTest(name = "[{index}] bluegreen {0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "status --app Not_A_Name                 | error: --app: 'Not_A_Name' is not a DNS-1123 label",
                "switch --app my_app --to green          | error: --app: 'my_app' is not a DNS-1123 label",
                "rollback --app MyApp                    | error: --app: 'MyApp' is not a DNS-1123 label",
                "status --app myapp -n Shop              | error: -n/--namespace: 'Shop' is not a valid namespace name",
                "-n a/b unlock --app myapp               | error: -n/--namespace: 'a/b' is not a valid namespace name",
            })
    void namesAreRefusedBeforeTheKubeconfigIsRead(String line, String message) {
        CliRun.Result r = run(line + " --kubeconfig " + tmp.resolve("nope"));
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err())
                .startsWith(message)
                .endsWith("(nothing was changed)" + System.lineSeparator())
                .doesNotContain("kubeconfig");
        assertThat(r.out()).isEmpty();
    }

    /** Tools that embed the CLI with a bare CommandLine get the same exit codes as the launcher. */
    @Test
    void aBareCommandLineMapsExitCodesTheSameWay() {
        StringWriter err = new StringWriter();
        CommandLine bare = new CommandLine(new BlueGreenCli(Map.of(), new ByteArrayInputStream(new byte[0])));
        bare.setErr(new PrintWriter(err, true));
        bare.setOut(new PrintWriter(new StringWriter(), true));
        assertThat(bare.execute("deploy", "--app", "myapp")).isEqualTo(2);
        assertThat(bare.execute("await", "--app", "myapp", "--timeout", "0")).isEqualTo(2);
        assertThat(bare.execute(
                        "status",
                        "--app",
                        "myapp",
                        "--kubeconfig",
                        tmp.resolve("nope").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("error: --kubeconfig");
    }
}
