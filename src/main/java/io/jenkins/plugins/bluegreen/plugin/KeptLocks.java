package io.jenkins.plugins.bluegreen.plugin;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The deploy locks the controller keeps alive ({@link LockKeepers}), remembered across a restart: the composed form's
 * {@code blueGreenDeploy} has finished by the time its build waits at the approval, so nothing of the build resumes
 * that could start renewing again — the controller does, from here, for builds that still run. A keeper that ends
 * for any reason but the shutdown is forgotten. One entry per app and holder; in memory for tests, in a file under
 * {@code JENKINS_HOME} in a controller.
 */
class KeptLocks {
    private static final Logger LOGGER = Logger.getLogger(KeptLocks.class.getName());

    /**
     * One kept lock: enough to connect again (the step's cluster parameters, its build for the credentials' scope).
     *
     * @param build the build's externalizable id, looked up again after the restart
     */
    record Kept(ScaleDownTasks.AppKey key, String holder, String build, ClusterStep cluster) implements Serializable {}

    private final Map<ScaleDownTasks.AppKey, Kept> kept = new LinkedHashMap<>();

    synchronized void kept(Kept k) {
        kept.put(k.key(), k);
        changed();
    }

    synchronized void ended(ScaleDownTasks.AppKey key, String holder) {
        Kept k = kept.get(key);
        if (k != null && k.holder().equals(holder)) {
            kept.remove(key);
            changed();
        }
    }

    synchronized List<Kept> all() {
        return List.copyOf(kept.values());
    }

    /** After each change; the file-backed one writes itself. */
    void changed() {}

    /** Kept in {@code file}: read when made, rewritten whole (it is a few lines) on each change. */
    static KeptLocks inFile(File file) {
        return new InFile(file);
    }

    private static final class InFile extends KeptLocks {
        /** Our records and what they hold: nothing else is read back. */
        private static final ObjectInputFilter ONLY_OURS = ObjectInputFilter.Config.createFilter(
                "java.util.*;java.lang.*;io.jenkins.plugins.bluegreen.plugin.*;!*");

        private final File file;

        InFile(File file) {
            this.file = file;
            if (file.isFile()) {
                try (InputStream in = Files.newInputStream(file.toPath());
                        ObjectInputStream o = new ObjectInputStream(in)) {
                    o.setObjectInputFilter(ONLY_OURS);
                    for (Object k : (List<?>) o.readObject()) {
                        super.kept((Kept) k);
                    }
                } catch (IOException | ClassNotFoundException | RuntimeException e) {
                    LOGGER.log(
                            Level.WARNING,
                            "could not read the deploy locks kept before the restart from " + file
                                    + "; they expire unless their builds renew them",
                            e);
                }
            }
        }

        @Override
        void changed() {
            try {
                File tmp = new File(file.getPath() + ".tmp");
                try (OutputStream out = Files.newOutputStream(tmp.toPath());
                        ObjectOutputStream o = new ObjectOutputStream(out)) {
                    o.writeObject(new ArrayList<>(all()));
                }
                Files.move(
                        tmp.toPath(),
                        file.toPath(),
                        StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                LOGGER.log(
                        Level.WARNING,
                        "could not save the deploy locks kept alive to " + file
                                + "; after a restart they last one lease",
                        e);
            }
        }
    }
}
