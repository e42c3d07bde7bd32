package io.jenkins.plugins.bluegreen.cli;

import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import io.fabric8.kubernetes.client.Config;
import java.io.File;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The kubeconfig of a command the warm helper runs for a client: looked up as fabric8 looks it up in the client's own
 * process ({@code $KUBECONFIG}, else {@code $HOME/.kube/config}), but from the client's environment and working
 * directory, never the helper's. The helper refuses ({@link RunInProcess}) what it cannot reproduce: a credential
 * plugin (exec, auth-provider) runs a program in an environment, and a path such as {@code /dev/fd/63} names a file
 * only the client's process can open.
 */
final class ClientKubeconfig {

    /**
     * fabric8's auto-configuration reads the list of files from the system property {@code kubeconfig} before the
     * environment; the helper's environment has no {@code KUBECONFIG} and no {@code -Dkubeconfig}, so commands set
     * the property to the client's list for the length of one auto-configuration, one command at a time.
     */
    private static final Object PROPERTY = new Object();

    private final Map<String, String> env;
    private final Path cwd;

    ClientKubeconfig(Map<String, String> env, Path cwd) {
        this.env = env;
        this.cwd = cwd;
    }

    /** A path the user typed, from the user's working directory; refused when only the user's process can open it. */
    Path at(Path typed) {
        Path at = cwd.resolve(typed).normalize();
        String s = at.toString();
        if (s.startsWith("/dev/")
                || s.startsWith("/proc/")
                || (Files.exists(at) && !Files.isRegularFile(at) && !Files.isDirectory(at))) {
            throw new RunInProcess("kubeconfig " + typed + " is not a regular file (a pipe or a descriptor of the "
                    + "client's process)");
        }
        return at;
    }

    /** The names fabric8 would try in the client's process: $KUBECONFIG's entries, else ~/.kube/config. */
    List<String> names() {
        String list = env.get("KUBECONFIG");
        if (list == null || list.isEmpty()) {
            return List.of(new File(home(), ".kube" + File.separator + "config").toString());
        }
        return Arrays.asList(list.split(File.pathSeparator));
    }

    /** fabric8's home: $HOME when it is a directory, else the JVM's user.home (the same user, so the same entry). */
    private String home() {
        String home = env.get("HOME");
        if (home != null && !home.isEmpty() && Files.isDirectory(cwd.resolve(home))) {
            return home;
        }
        return System.getProperty("user.home");
    }

    /** Refuses a kubeconfig whose users run programs for their credentials. */
    void check(io.fabric8.kubernetes.api.model.Config parsed) {
        if (parsed.getUsers() == null) {
            return;
        }
        for (NamedAuthInfo user : parsed.getUsers()) {
            if (user.getUser() != null
                    && (user.getUser().getExec() != null || user.getUser().getAuthProvider() != null)) {
                throw new RunInProcess("kubeconfig user " + user.getName() + " has a credential plugin");
            }
        }
    }

    /**
     * fabric8's own auto-configuration of the files found, as the client's process would make it. The result does not
     * auto-configure again when fabric8 refreshes it (after a 401): that would read the helper's environment; it
     * re-reads its file instead.
     */
    Config autoConfigure(String context, List<Path> files) {
        String list =
                files.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(File.pathSeparator));
        Config config;
        synchronized (PROPERTY) {
            String before = System.getProperty("kubeconfig");
            System.setProperty("kubeconfig", list);
            try {
                config = Config.autoConfigure(context);
            } finally {
                if (before == null) {
                    System.clearProperty("kubeconfig");
                } else {
                    System.setProperty("kubeconfig", before);
                }
            }
        }
        try {
            Field auto = Config.class.getDeclaredField("autoConfigure");
            auto.setAccessible(true);
            auto.set(config, Boolean.FALSE);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new RunInProcess("cannot keep fabric8 from re-reading the helper's environment: " + e);
        }
        return config;
    }
}
