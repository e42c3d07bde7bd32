package io.jenkins.plugins.bluegreen.cli;

import static io.jenkins.plugins.bluegreen.cli.BinScriptTest.repo;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.jenkins.plugins.bluegreen.kubesim.FaultRule;
import io.jenkins.plugins.bluegreen.kubesim.KubeSim;
import io.jenkins.plugins.bluegreen.kubesim.KubeSimExtension;
import io.jenkins.plugins.bluegreen.kubesim.RequestGate;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm helper from the operator's chair: real bin/bluegreen processes against kube-sim, with the helper on and a
 * private socket directory per test (BLUEGREEN_DAEMON_DIR), so no test meets another's helper or the user's. Every
 * helper a test starts is stopped after it. What users get must not depend on the helper: same output, same exit
 * code, same cluster, same state after kill -9.
 */
class WarmHelperIT {

    @RegisterExtension
    static final KubeSimExtension SIM = new KubeSimExtension(KubeSim.builder().readyDelay(Duration.ofMillis(100)));

    @TempDir
    Path tmp;

    Path dir;
    SimCli cli;
    KubernetesClient client;
    String ns;
    final List<Path> helperDirs = new ArrayList<>();

    @BeforeEach
    void setUp() {
        dir = tmp.resolve("helper");
        helperDirs.add(dir);
        cli = new SimCli(SIM, tmp, SIM.newNamespace());
        client = SIM.client();
        ns = cli.namespace();
        Seed.seed(client, ns, 2);
    }

    /** Stops every helper started here: a stray one must never keep a build waiting (it holds no pipe of ours anyway). */
    @AfterEach
    void stopHelpers() throws Exception {
        SIM.sim().faults().clear();
        for (Path d : helperDirs) {
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path pid : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    String text = Files.readString(pid).trim();
                    Optional<ProcessHandle> p =
                            text.isEmpty() ? Optional.empty() : ProcessHandle.of(Long.parseLong(text));
                    if (p.isPresent()) {
                        p.get().destroyForcibly();
                        p.get().onExit().get(30, TimeUnit.SECONDS);
                    }
                }
            }
        }
    }

    record Run(int exitCode, String out, String err) {}

    private Map<String, String> env(String helper) {
        Map<String, String> env = new HashMap<>();
        env.put("BLUEGREEN_DAEMON", helper);
        env.put("BLUEGREEN_DAEMON_DIR", dir.toString());
        env.put("BLUEGREEN_DAEMON_IDLE_SECONDS", "120");
        env.put("KUBECONFIG", cli.kubeconfig().toString());
        env.put("USER", "tester");
        return env;
    }

    private Process start(Map<String, String> env, Path bin, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(tmp.resolve("out-" + System.nanoTime()).toFile())
                .redirectError(tmp.resolve("err-" + System.nanoTime()).toFile());
        pb.environment().remove(HolderIdentity.ENV);
        pb.environment().remove("BLUEGREEN_JAVA_OPTS");
        pb.environment().keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.endsWith("_PROXY"));
        pb.environment().putAll(env);
        return pb.start();
    }

    private Run run(Map<String, String> env, String... args) throws Exception {
        return run(env, repo().resolve("bin/bluegreen"), args);
    }

    private Run run(Map<String, String> env, Path bin, String... args) throws Exception {
        Path out = tmp.resolve("out-" + System.nanoTime());
        Path err = tmp.resolve("err-" + System.nanoTime());
        List<String> command = new ArrayList<>(List.of(bin.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove(HolderIdentity.ENV);
        pb.environment().remove("BLUEGREEN_JAVA_OPTS");
        pb.environment().keySet().removeIf(k -> k.startsWith("KUBERNETES_") || k.endsWith("_PROXY"));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS))
                .as("bluegreen " + String.join(" ", args))
                .isTrue();
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        // waits for the helper to come up or to go; the machine may be loaded, so generously
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private Optional<Path> socket(Path d) {
        try (Stream<Path> files = Files.list(d)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sock"))
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private String log(Path d) {
        try {
            return Files.readString(d.resolve("helper.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private long served(Path d) {
        return log(d).lines().filter(l -> l.contains(" served ")).count();
    }

    /** The first command runs in-process and starts the helper; returns once the helper serves. */
    private void startHelper() throws Exception {
        Run first = run(env("on"), "status", "--app", Seed.APP, "-n", ns);
        assertThat(first.exitCode()).as(first.err()).isZero();
        await("the helper's socket", () -> socket(dir).isPresent());
    }

    @Test
    void sameOutputAndExitCodeWithAndWithoutTheHelperAndTheSecondCommandIsServed() throws Exception {
        assertThat(run(env("on"), "deploy", "--app", Seed.APP, "--image", Seed.V2, "-n", ns)
                        .exitCode())
                .isZero();
        assertThat(served(dir)).isZero();
        startHelper();

        List<List<String>> commands = List.of(
                List.of("status", "--app", Seed.APP, "-n", ns),
                List.of("status", "--app", Seed.APP, "-n", ns, "-o", "json"),
                List.of("status", "--app", "Not_A_Name", "-n", ns),
                List.of("--help"),
                List.of("switch", "--help"),
                List.of("status", "--app", Seed.APP, "--no-such-flag"),
                List.of("status", "--app", "ghost", "-n", ns));
        for (List<String> c : commands) {
            String[] args = c.toArray(String[]::new);
            Run alone = run(env("off"), args);
            long before = served(dir);
            Run helped = run(env("on"), args);
            assertThat(helped).as(String.join(" ", c)).isEqualTo(alone);
            assertThat(served(dir))
                    .as("served by the helper: " + String.join(" ", c))
                    .isEqualTo(before + 1);
        }

        // switch there and back: the same report either way (times in it aside) and the same exit code
        Run helped = run(env("on"), "switch", "--app", Seed.APP, "--scale-down-delay", "0", "-n", ns);
        assertThat(helped.exitCode()).as(helped.err()).isZero();
        assertThat(RollbackAndLockMovesCliTest.endpointColours(client, ns, "green"))
                .isEqualTo(Map.of("green", 2));
        Run alone = run(env("off"), "switch", "--app", Seed.APP, "--to", "blue", "--scale-down-delay", "0", "-n", ns);
        assertThat(alone.exitCode()).as(alone.err()).isZero();
        assertThat(RollbackAndLockMovesCliTest.endpointColours(client, ns, "blue"))
                .isEqualTo(Map.of("blue", 2));
        Run back = run(env("on"), "switch", "--app", Seed.APP, "--to", "green", "--scale-down-delay", "0", "-n", ns);
        assertThat(masked(back.out().replaceAll("\\bgreen\\b", "X").replaceAll("\\bblue\\b", "Y")))
                .isEqualTo(masked(alone.out().replaceAll("\\bblue\\b", "X").replaceAll("\\bgreen\\b", "Y")));
        assertThat(back.err()).isEqualTo(alone.err());
    }

    private static String masked(String s) {
        return s.replaceAll("[0-9]+", "N");
    }

    @Test
    void aRebuiltJarIsNotServedByTheOldHelperWhichExits() throws Exception {
        // a copy of the launcher and the jar, so the jar can change under a helper as a rebuild changes it
        Path copy = tmp.resolve("repo");
        Files.createDirectories(copy.resolve("bin"));
        Files.createDirectories(copy.resolve("cli/target"));
        Files.copy(repo().resolve("bin/bluegreen"), copy.resolve("bin/bluegreen"));
        Path jar = copy.resolve("cli/target/bluegreen.jar");
        Files.copy(repo().resolve("cli/target/bluegreen.jar"), jar);
        Map<String, String> env = env("on");
        env.put("BLUEGREEN_CDS", "off");
        Path bin = copy.resolve("bin/bluegreen");
        assertThat(run(env, bin, "status", "--app", Seed.APP, "-n", ns).exitCode())
                .isZero();
        await("the helper's socket", () -> socket(dir).isPresent());
        Path oldSocket = socket(dir).orElseThrow();
        long oldPid =
                Long.parseLong(Files.readString(Path.of(oldSocket + ".pid")).trim());
        Run second = run(env, bin, "status", "--app", Seed.APP, "-n", ns);
        assertThat(second.exitCode()).isZero();
        assertThat(served(dir)).as(log(dir) + second.err()).isEqualTo(1);

        Files.setLastModifiedTime(
                jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
        Run after = run(env, bin, "status", "--app", Seed.APP, "-n", ns);
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(served(dir))
                .as("the old helper served nothing for the new jar")
                .isEqualTo(1);
        ProcessHandle.of(oldPid).ifPresent(p -> p.onExit().join());
        assertThat(log(dir)).contains("stopping: the jar changed");
        await(
                "the new jar's helper",
                () -> socket(dir).filter(s -> !s.equals(oldSocket)).isPresent());
        assertThat(run(env, bin, "status", "--app", Seed.APP, "-n", ns).exitCode())
                .isZero();
        assertThat(served(dir)).isEqualTo(2);
    }

    @Test
    void aSocketDirectoryOthersCanEnterIsRefusedAndTheCommandRunsInProcess() throws Exception {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Run r = run(env("on"), "status", "--app", Seed.APP, "-n", ns);
        Run alone = run(env("off"), "status", "--app", Seed.APP, "-n", ns);
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEqualTo(alone.out());
        assertThat(r.err())
                .startsWith("warning: not using the bluegreen helper: " + dir
                        + " must be a directory of yours that only you can enter");
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).as("no helper started there").isEmpty();
        }
    }

    @Test
    void twoShellsWithDifferentKubeconfigsReachTheirOwnClusters() throws Exception {
        startHelper();
        try (KubeSim other =
                KubeSim.builder().readyDelay(Duration.ofMillis(100)).build().start()) {
            Path otherKc = tmp.resolve("other.kubeconfig");
            other.writeKubeconfig(otherKc);
            try (KubernetesClient c = other.newClient("default")) {
                Seed.seed(c, "default", 1);
            }
            Map<String, String> second = env("on");
            second.put("KUBECONFIG", otherKc.toString());
            assertThat(run(second, "deploy", "--app", Seed.APP, "--image", "example.org/myapp:other")
                            .exitCode())
                    .isZero();

            Run here = run(env("on"), "status", "--app", Seed.APP, "-n", ns);
            Run there = run(second, "status", "--app", Seed.APP);
            assertThat(served(dir)).isEqualTo(2);
            assertThat(here.out()).contains("namespace " + ns).doesNotContain("myapp:other");
            assertThat(there.out()).contains("namespace default", "example.org/myapp:other");
            // and a relative KUBECONFIG is read from the shell's own directory
            Map<String, String> relative = env("on");
            relative.put("KUBECONFIG", "other.kubeconfig");
            List<String> command = List.of(repo().resolve("bin/bluegreen").toString(), "status", "--app", Seed.APP);
            ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
            pb.environment().remove("BLUEGREEN_JAVA_OPTS");
            pb.environment().putAll(relative);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor()).isZero();
            assertThat(out).isEqualTo(there.out());
            assertThat(served(dir)).isEqualTo(3);
        }
    }

    @Test
    void killMinus9OfTheClientAtTheSwitchWriteLeavesWhatKillingTheInProcessCliLeaves() throws Exception {
        assertThat(run(env("off"), "deploy", "--app", Seed.APP, "--image", Seed.V2, "-n", ns)
                        .exitCode())
                .isZero();
        startHelper();
        RequestGate write = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("update", "/api/v1/namespaces/" + ns + "/services/" + Seed.APP)
                        .where(r -> r.body() != null && r.body().contains("\"bluegreen.jenkins.io/color\":\"green\""))
                        .holdUntil(write)
                        .once());
        Process launcher = start(
                env("on"),
                repo().resolve("bin/bluegreen"),
                "switch",
                "--app",
                Seed.APP,
                "--scale-down-delay",
                "0",
                "-n",
                ns);
        assertThat(write.awaitArrival(Duration.ofSeconds(60)))
                .as("the switch reached its Service write")
                .isTrue();
        ProcessHandle clientJvm = launcher.descendants()
                .filter(p -> p.info().commandLine().orElse("").contains("HelperClient"))
                .findFirst()
                .orElseThrow();
        clientJvm.destroyForcibly(); // SIGKILL of the JVM the user's command runs in
        clientJvm.onExit().join();
        await("the helper cutting the command off", () -> log(dir).contains("client gone"));
        write.open();
        assertThat(launcher.waitFor(60, TimeUnit.SECONDS)).isTrue();

        // as in KillRecoveryTest: the write had been sent, so traffic moved; nothing after it happened — the lock stays
        // with the killed session and a colleague clears it without touching traffic
        assertThat(RollbackAndLockMovesCliTest.endpointColours(client, ns, "green"))
                .isEqualTo(Map.of("green", 2));
        String holder = client.leases()
                .inNamespace(ns)
                .withName("myapp-bluegreen")
                .get()
                .getSpec()
                .getHolderIdentity();
        assertThat(holder).isEqualTo(HolderIdentity.of(Map.of("USER", "tester")));
        assertThat(client.apps()
                        .deployments()
                        .inNamespace(ns)
                        .withName("myapp-blue")
                        .get()
                        .getSpec()
                        .getReplicas())
                .as("the old colour's scale-down, which follows the write, never happened")
                .isEqualTo(2);
        Map<String, String> colleague = env("on");
        colleague.put(HolderIdentity.ENV, "cli:ops@other-host");
        Run unlocked = run(colleague, "unlock", "--app", Seed.APP, "--holder", holder, "-n", ns);
        assertThat(unlocked.exitCode()).as(unlocked.err()).isZero();
        assertThat(RollbackAndLockMovesCliTest.endpointColours(client, ns, "green"))
                .isEqualTo(Map.of("green", 2));
    }

    @Test
    void aServedSwitchWhoseReaderStopsReadingStillFinishesAsInProcess() throws Exception {
        assertThat(run(env("off"), "deploy", "--app", Seed.APP, "--image", Seed.V2, "-n", ns)
                        .exitCode())
                .isZero();
        startHelper();
        long before = served(dir);
        // `| head -c 0` closes the pipe at once: in-process, System.out drops what follows and the switch goes on
        Map<String, String> env = env("on");
        Run piped = run(
                env,
                Path.of("/bin/bash"),
                "-c",
                "\"$0\" switch --app " + Seed.APP + " --scale-down-delay 0 -n " + ns
                        + " | head -c 0; exit ${PIPESTATUS[0]}",
                repo().resolve("bin/bluegreen").toString());
        assertThat(piped.exitCode()).as(piped.err() + log(dir)).isZero();
        assertThat(served(dir)).isEqualTo(before + 1);
        assertThat(RollbackAndLockMovesCliTest.endpointColours(client, ns, "green"))
                .isEqualTo(Map.of("green", 2));
        String holder = client.leases()
                .inNamespace(ns)
                .withName("myapp-bluegreen")
                .get()
                .getSpec()
                .getHolderIdentity();
        assertThat(holder).as("the lock was released after the switch").isNullOrEmpty();
    }

    @Test
    void aCommandThatMayWaitForMinutesRunsInTheUsersOwnJvm() throws Exception {
        startHelper();
        long before = served(dir);
        Run waiting = run(env("on"), "switch", "--app", Seed.APP, "--to", "blue", "--lock-wait", "1s", "-n", ns);
        Run alone = run(env("off"), "switch", "--app", Seed.APP, "--to", "blue", "--lock-wait", "1s", "-n", ns);
        assertThat(waiting).isEqualTo(alone);
        assertThat(served(dir)).as("declined, not queued behind other commands").isEqualTo(before);
        assertThat(log(dir)).contains("an option that may wait for minutes");
    }

    @Test
    void twoCommandsAtOnceRunConcurrently() throws Exception {
        startHelper();
        String other = SIM.newNamespace();
        Seed.seed(client, other, 1);
        // the first command's read of its Service is held; the second, in another namespace, finishes meanwhile
        RequestGate held = new RequestGate();
        SIM.sim()
                .faults()
                .add(FaultRule.on("get", "/api/v1/namespaces/" + ns + "/services/" + Seed.APP)
                        .holdUntil(held)
                        .once());
        Process first = start(env("on"), repo().resolve("bin/bluegreen"), "status", "--app", Seed.APP, "-n", ns);
        assertThat(held.awaitArrival(Duration.ofSeconds(60))).isTrue();
        Run second = run(env("on"), "status", "--app", Seed.APP, "-n", other);
        assertThat(second.exitCode()).as(second.err()).isZero();
        assertThat(second.out()).contains("namespace " + other);
        assertThat(first.isAlive())
                .as("the first is still waiting for its Service")
                .isTrue();
        held.open();
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(first.exitValue()).isZero();
        assertThat(served(dir)).isEqualTo(2);
    }

    @Test
    void ctrlCOfAServedSwitchSaysWhatItLeftAsTheInProcessCliDoes() throws Exception {
        assertThat(run(env("off"), "deploy", "--app", Seed.APP, "--image", Seed.V2, "-n", ns)
                        .exitCode())
                .isZero();
        startHelper();
        Map<String, Run> runs = new HashMap<>();
        for (String helper : List.of("off", "on")) {
            // held at the read of the target colour, before any write; SIGINT to the launcher, as a terminal's Ctrl-C
            RequestGate read = new RequestGate();
            SIM.sim()
                    .faults()
                    .add(FaultRule.on("get", "/apis/apps/v1/namespaces/" + ns + "/deployments/myapp-green")
                            .holdUntil(read)
                            .once());
            Path err = tmp.resolve("ctrl-c-" + helper + ".err");
            List<String> command = List.of(
                    repo().resolve("bin/bluegreen").toString(),
                    "switch",
                    "--app",
                    Seed.APP,
                    "--scale-down-delay",
                    "0",
                    "-n",
                    ns);
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectError(err.toFile())
                    .redirectOutput(tmp.resolve("ctrl-c-" + helper + ".out").toFile());
            pb.environment().remove("BLUEGREEN_JAVA_OPTS");
            pb.environment().putAll(env(helper));
            Process p = pb.start();
            assertThat(read.awaitArrival(Duration.ofSeconds(60)))
                    .as("switch reached its read (" + helper + ")")
                    .isTrue();
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(p.pid()))
                            .start()
                            .waitFor())
                    .isZero();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            read.open();
            runs.put(helper, new Run(p.exitValue(), "", Files.readString(err)));
            SIM.sim().faults().clear();
        }
        assertThat(runs.get("on").exitCode()).isEqualTo(130);
        assertThat(runs.get("on")).isEqualTo(runs.get("off"));
        assertThat(runs.get("on").err()).contains("interrupted: ");
        assertThat(RollbackAndLockMovesCliTest.endpointColours(client, ns, "blue"))
                .isEqualTo(Map.of("blue", 2));
    }
}
