package io.jenkins.plugins.bluegreen.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubectlDiscoveryTest {
    @TempDir
    Path dir;

    private Path executable(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path file = folder.resolve("kubectl");
        Files.writeString(file, "#!/bin/sh\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void theFirstExecutableKubectlOnThePathWins() throws IOException {
        Path notExecutable = Files.createDirectories(dir.resolve("a")).resolve("kubectl");
        Files.writeString(notExecutable, "not a program");
        Path first = executable(dir.resolve("b"));
        executable(dir.resolve("c"));
        String path = String.join(
                File.pathSeparator,
                dir.resolve("missing").toString(),
                dir.resolve("a").toString(),
                "",
                dir.resolve("b").toString(),
                dir.resolve("c").toString());

        assertThat(Kubectl.find(path)).contains(first);
    }

    @Test
    void noKubectlOrNoPathFindsNothing() {
        assertThat(Kubectl.find(dir.toString())).isEmpty();
        assertThat(Kubectl.find("")).isEmpty();
        assertThat(Kubectl.find(null)).isEmpty();
    }

    @Test
    void theClientVersionIsReadFromNewAndOldOutput() {
        assertThat(Kubectl.parseClientVersion("Client Version: v1.32.4\nKustomize Version: v5.5.0\n"))
                .isEqualTo("v1.32.4");
        assertThat(Kubectl.parseClientVersion("Client Version: version.Info{Major:\"1\", Minor:\"20\", "
                        + "GitVersion:\"v1.20.15\", GitCommit:\"8f1e\"}"))
                .isEqualTo("v1.20.15");
        assertThat(Kubectl.parseClientVersion("error: unknown flag\n")).isEqualTo("error: unknown flag");
    }
}
