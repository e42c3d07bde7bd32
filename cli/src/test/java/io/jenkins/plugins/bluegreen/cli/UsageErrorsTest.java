package io.jenkins.plugins.bluegreen.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Exit code 2 for everything wrong on the command line itself; none of these reaches a cluster. */
class UsageErrorsTest {

    @TempDir
    Path tmp;

    private static CliRun.Result run(String line) {
        return CliRun.run(line == null ? new String[0] : line.split(" ")); // CsvSource: empty cell is null
    }

    @ParameterizedTest(name = "[{index}] bluegreen {0}")
    @CsvSource(delimiter = '|', value = {
            "                                                   | missing command; choose one of deploy, await",
            "deployy --app myapp                                 | Did you mean: bluegreen deploy",
            "status                                              | Missing required option: '--app=APP'",
            "deploy --app myapp                                  | (--image=IMAGE | --manifest=FILE)",
            "deploy --app myapp --image a:1 --manifest m.yaml    | mutually exclusive",
            "status --app myapp --bogus                          | Unknown option: '--bogus'",
            "status --app myapp -o yaml                          | Invalid value for option '--output'",
            "deploy --app myapp --image a:1 --replicas many      | Invalid value for option '--replicas'",
            "deploy --app myapp --image a:1 --timeout 0          | Invalid value for option '--timeout': must be greater than zero",
            "await --app myapp --timeout 5                       | Invalid value for option '--timeout': '5' has no unit",
            "await --app myapp --timeout -1s                     | Invalid value for option '--timeout': '-1s' is negative",
            "deploy --app myapp --image a:1 --timeout 1.5h       | Invalid value for option '--timeout'",
            "switch --app myapp --scale-down-delay -30s          | Invalid value for option '--scale-down-delay'",
            "await --app myapp --color purple                    | Invalid value for option '--color': 'purple' is not a colour; use blue or green",
            "switch --app myapp --to red                         | Invalid value for option '--to': 'red' is not a colour",
            "demo --yes --abort                                  | mutually exclusive",
    })
    void usageErrorsExit2WithTheOptionNamed(String line, String message) {
        CliRun.Result r = run(line);
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: ").contains(message);
        assertThat(r.out()).isEmpty();
    }

    @Test
    void unknownContextIsNamedWithTheAvailableOnes() throws Exception {
        Path kc = Files.writeString(tmp.resolve("kc"), ClusterOptionsTest.TWO_CONTEXTS);
        CliRun.Result r = CliRun.run("status", "--app", "myapp", "--kubeconfig", kc.toString(), "--context", "prod");
        assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).startsWith("error: --context prod: no such context")
                .contains("available: shop, plain");
    }

    @Test
    void unreadableOrBrokenKubeconfigExits2() throws Exception {
        CliRun.Result missing = CliRun.run("status", "--app", "myapp", "--kubeconfig", tmp.resolve("nope").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: --kubeconfig ").contains("cannot be read (no such file)");

        Path garbage = Files.writeString(tmp.resolve("garbage"), "::: not yaml [");
        CliRun.Result broken = CliRun.run("deploy", "--app", "myapp", "--image", "a:1", "--kubeconfig",
                garbage.toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).contains("is not a kubeconfig");

        CliRun.Result dir = CliRun.run("switch", "--app", "myapp", "--kubeconfig", tmp.toString());
        assertThat(dir.exitCode()).isEqualTo(2);
        assertThat(dir.err()).contains("is a directory");
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
        assertThat(bare.execute("status", "--app", "myapp", "--kubeconfig", tmp.resolve("nope").toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("error: --kubeconfig");
    }
}
