package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.security.Permission;
import jenkins.model.Jenkins;

public abstract class Descriptor<T extends Describable<T>> {

    public final transient Class<? extends T> clazz;

    protected Descriptor(Class<? extends T> clazz) {
        this.clazz = clazz;
    }

    // The real one infers clazz from the enclosing class; offline tests never need it.
    protected Descriptor() {
        this.clazz = null;
    }

    @NonNull
    public String getDisplayName() {
        return clazz == null ? getClass().getSimpleName() : clazz.getSimpleName();
    }

    public String getId() {
        throw new UnsupportedOperationException("stub");
    }

    public String getHelpFile() {
        throw new UnsupportedOperationException("stub");
    }

    public String getHelpFile(final String fieldName) {
        throw new UnsupportedOperationException("stub");
    }

    @NonNull
    public Permission getRequiredGlobalConfigPagePermission() {
        return Jenkins.ADMINISTER;
    }

    // Persisting needs a controller's XML store.
    public synchronized void save() {
        throw new UnsupportedOperationException("stub");
    }

    public synchronized void load() {
        throw new UnsupportedOperationException("stub");
    }
}
