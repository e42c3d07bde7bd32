package hudson;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.jenkinsci.remoting.SerializableOnlyOverRemoting;

// Local files only (no agents here): enough for offline tests to give a step a workspace.
public final class FilePath implements SerializableOnlyOverRemoting {

    private static final long serialVersionUID = 1L;

    private final String remote;

    public FilePath(@NonNull File localPath) {
        this.remote = localPath.getPath();
    }

    public FilePath(@NonNull FilePath base, @NonNull String rel) {
        this.remote = new File(new File(base.remote), rel).getPath();
    }

    public String getRemote() {
        return remote;
    }

    @NonNull
    public FilePath child(String relOrAbsolute) {
        File f = new File(relOrAbsolute);
        return f.isAbsolute() ? new FilePath(f) : new FilePath(this, relOrAbsolute);
    }

    public boolean exists() throws IOException, InterruptedException {
        return new File(remote).exists();
    }

    public String readToString() throws IOException, InterruptedException {
        return Files.readString(new File(remote).toPath(), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return remote;
    }
}
