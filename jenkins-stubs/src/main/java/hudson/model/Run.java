package hudson.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.ExtensionPoint;
import hudson.security.ACL;
import hudson.security.AccessControlled;
import java.io.IOException;

public abstract class Run<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>>
        implements ExtensionPoint, Comparable<RunT>, AccessControlled {

    // Offline tests may subclass Run to give a step a build identity; the constructor lets them.
    protected Run(@NonNull JobT job) throws IOException {}

    @NonNull
    public JobT getParent() {
        throw new UnsupportedOperationException("stub");
    }

    public String getFullDisplayName() {
        throw new UnsupportedOperationException("stub");
    }

    @CheckForNull
    public String getDisplayName() {
        throw new UnsupportedOperationException("stub");
    }

    public int getNumber() {
        throw new UnsupportedOperationException("stub");
    }

    @NonNull
    public String getUrl() {
        throw new UnsupportedOperationException("stub");
    }

    @NonNull
    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("stub");
    }

    public boolean isBuilding() {
        throw new UnsupportedOperationException("stub");
    }

    @NonNull
    public String getExternalizableId() {
        throw new UnsupportedOperationException("stub");
    }

    // Needs a controller's jobs: the plugin reaches it only through its own BuildLookup, which tests replace.
    @CheckForNull
    public static Run<?, ?> fromExternalizableId(String id)
            throws IllegalArgumentException, org.springframework.security.access.AccessDeniedException {
        throw new UnsupportedOperationException("stub");
    }
}
