package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.security.ACL;
import hudson.security.AccessControlled;

public abstract class AbstractItem implements Item, AccessControlled {

    protected AbstractItem(ItemGroup parent, String name) {}

    @NonNull
    @Override
    public String getName() {
        throw new UnsupportedOperationException("stub");
    }

    @NonNull
    @Override
    public final String getFullName() {
        throw new UnsupportedOperationException("stub");
    }

    public final String getFullDisplayName() {
        throw new UnsupportedOperationException("stub");
    }

    @Override
    public final String getUrl() {
        throw new UnsupportedOperationException("stub");
    }

    @NonNull
    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("stub");
    }
}
