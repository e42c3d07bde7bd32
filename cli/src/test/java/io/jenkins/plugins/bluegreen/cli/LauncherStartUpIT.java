package io.jenkins.plugins.bluegreen.cli;

import static io.jenkins.plugins.bluegreen.cli.BinScriptTest.repo;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/bluegreen's start-up machinery as a user meets it: a copy of the launcher and the built jar in a fresh
 * directory tree (repo layout: bin/, cli/target/), so each test starts with no start-up archive or with the one it
 * plants. What is asserted is what a user gets — exit code, output — never how long it took.
 */
class LauncherStartUpIT {

    @TempDir
    Path home;

    Path launcher;
    Path jar;
    Path cdsDir;
    String help;

    @BeforeEach
    void layout() throws Exception {
        launcher = home.resolve("bin/bluegreen");
        Files.createDirectories(launcher.getParent());
        Files.copy(repo().resolve("bin/bluegreen"), launcher);
        launcher.toFile().setExecutable(true);
        jar = home.resolve("cli/target/bluegreen.jar");
        Files.createDirectories(jar.getParent());
        Files.copy(repo().resolve("cli/target/bluegreen.jar"), jar);
        cdsDir = jar.resolveSibling("cds");
        help = run(Map.of("BLUEGREEN_CDS", "off"), launcher.toString(), "--help")
                .out();
        assertThat(help).contains("deploy", "switch", "status");
    }

    @Test
    void runsThroughASymlinkFromAnotherDirectory() throws Exception {
        Path link = home.resolve("elsewhere/bluegreen");
        Files.createDirectories(link.getParent());
        Files.createSymbolicLink(link, Path.of("../bin/bluegreen"));
        Run r = run(Map.of(), link.toString(), "--help");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo(help);
        waitForBackgroundArchive();
    }

    @Test
    void userJavaOptionsWinIncludingTheirOwnCollector() throws Exception {
        // the launcher picks the serial collector for short commands; a user's own choice must not make two
        Run r = run(
                Map.of("BLUEGREEN_CDS", "off", "BLUEGREEN_JAVA_OPTS", "-XX:+UseG1GC -Xlog:gc:stderr"),
                launcher.toString(),
                "status",
                "--app",
                "Not_A_Name",
                "--kubeconfig",
                "/nonexistent");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("Using G1").contains("error: ");
        Run prop = run(
                Map.of("BLUEGREEN_CDS", "off", "BLUEGREEN_JAVA_OPTS", "-Xlog:gc:stderr"),
                launcher.toString(),
                "--help");
        assertThat(prop.exitCode()).isZero();
        assertThat(prop.err()).contains("Using Serial");
        assertThat(prop.out()).isEqualTo(help);
    }

    @Test
    void aDamagedOrStaleArchiveIsSkippedSilently() throws Exception {
        // garbage where the archive of this very jar belongs
        Files.createDirectories(cdsDir);
        Files.write(archiveFor(jar), "not an archive".getBytes(StandardCharsets.UTF_8));
        Run damaged = run(Map.of(), launcher.toString(), "--help");
        assertThat(damaged.exitCode()).as(damaged.err()).isZero();
        assertThat(damaged.out()).isEqualTo(help);
        assertThat(damaged.err()).isEmpty();

        // a real archive made from another jar (the build's, then this jar touched) under the current name
        Path built = newestArchive(repo().resolve("cli/target/cds"));
        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 60_000));
        Files.copy(built, archiveFor(jar));
        Run stale = run(Map.of(), launcher.toString(), "status", "--app", "Not_A_Name", "--kubeconfig", "/nonexistent");
        assertThat(stale.exitCode()).as(stale.err()).isEqualTo(2);
        assertThat(stale.err()).startsWith("error: ").doesNotContain("warning", "cds", "shared");
    }

    @Test
    void twoConcurrentFirstRunsBothSucceedAndLeaveOneWholeArchive() throws Exception {
        assertThat(cdsDir).doesNotExist();
        List<Started> first = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            first.add(start(Map.of(), launcher.toString(), "--help"));
        }
        for (Started p : first) {
            Run r = finish(p);
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).isEqualTo(help);
        }
        waitForBackgroundArchive();
        try (Stream<Path> files = Files.list(cdsDir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactly(archiveFor(jar).getFileName().toString());
        }
        // and the archive they left is used without complaint
        Run after = run(Map.of("BLUEGREEN_JAVA_OPTS", "-Xlog:cds=info:stderr"), launcher.toString(), "--help");
        assertThat(after.exitCode()).isZero();
        assertThat(after.out()).isEqualTo(help);
        assertThat(after.err()).contains(archiveFor(jar).getFileName().toString());
    }

    @Test
    void prepareMakesTheArchiveOnceTwoAtATime() throws Exception {
        List<Started> prepares = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            prepares.add(start(Map.of("BLUEGREEN_CDS", "prepare"), launcher.toString()));
        }
        for (Started p : prepares) {
            Run r = finish(p);
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out()).contains("start-up archive: " + archiveFor(jar));
        }
        try (Stream<Path> files = Files.list(cdsDir)) {
            assertThat(files.map(f -> f.getFileName().toString()))
                    .containsExactly(archiveFor(jar).getFileName().toString());
        }
    }

    @Test
    void aShortCommandFindsItsClassesInTheBuildsArchive() throws Exception {
        // the repository's own launcher and jar, with the archive `mvn package` made for them (only read here)
        Path repoJar = repo().resolve("cli/target/bluegreen.jar");
        assertThat(archiveFor(repoJar)).as("the archive the build made").exists();
        Path classes = home.resolve("classes.log");
        Run r = run(
                Map.of("BLUEGREEN_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes + " -Xlog:cds=info:stderr"),
                repo().resolve("bin/bluegreen").toString(),
                "status",
                "--app",
                "Not_A_Name",
                "--kubeconfig",
                "/nonexistent");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        // mapped where it was made, not relocated pointer by pointer
        assertThat(r.err())
                .contains(archiveFor(repoJar).getFileName().toString())
                .doesNotContain("always map archive(s) at an alternative address");
        List<String> fromJar;
        try (Stream<String> lines = Files.lines(classes)) {
            fromJar = lines.filter(l -> l.contains("source: file:")).toList();
        }
        // picocli's Java 5 class files included: a dynamic archive leaves all ~175 of them to the jar (2 stay there
        // anyway: an interface the CLI implements with a lambda, which the dump had to link, and a class using it)
        assertThat(fromJar)
                .as("classes loaded from the jar instead of the archive")
                .hasSizeLessThan(10);
        assertThat(fromJar).filteredOn(l -> l.contains(" picocli.")).hasSizeLessThan(5);
    }

    /** The name the launcher gives the archive of a jar: its mtime (seconds) and size. */
    private static Path archiveFor(Path jar) throws IOException {
        return jar.resolveSibling("cds")
                .resolve("bluegreen-" + Files.getLastModifiedTime(jar).to(TimeUnit.SECONDS) + "-" + Files.size(jar)
                        + ".jsa");
    }

    private static Path newestArchive(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".jsa"))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("the build made no archive in " + dir));
        }
    }

    /** A first run starts the archive in the background; let it finish before the temp dir goes away. */
    private void waitForBackgroundArchive() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(archiveFor(jar)) && !hasTempFiles()) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("no start-up archive appeared in " + cdsDir);
    }

    private boolean hasTempFiles() throws IOException {
        try (Stream<Path> files = Files.list(cdsDir)) {
            return files.anyMatch(f -> f.toString().endsWith(".tmp"));
        }
    }

    record Run(int exitCode, String out, String err) {}

    /** A running launcher; its output goes to files, as a background child may hold a pipe open after it exits. */
    record Started(Process process, Path out, Path err) {}

    private Started start(Map<String, String> env, String... command) throws IOException {
        ProcessBuilder pb =
                new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().remove("BLUEGREEN_JAVA_OPTS");
        pb.environment().remove("BLUEGREEN_CDS");
        pb.environment().put("XDG_CACHE_HOME", home.resolve("cache").toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        return new Started(pb.start(), out, err);
    }

    private static Run finish(Started s) throws Exception {
        // an archive made while the machine is loaded may take minutes: a generous bound, not a timing check
        assertThat(s.process().waitFor(10, TimeUnit.MINUTES))
                .as("launcher finished")
                .isTrue();
        return new Run(s.process().exitValue(), Files.readString(s.out()), Files.readString(s.err()));
    }

    private Run run(Map<String, String> env, String... command) throws Exception {
        return finish(start(env, command));
    }
}
