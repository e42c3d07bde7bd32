package hudson.model;

import hudson.security.ACL;
import hudson.security.AccessControlled;

public abstract class AbstractItem implements Item, AccessControlled {

    protected AbstractItem(ItemGroup parent, String name) {
    }

    @Override
    public String getName() {
        throw new UnsupportedOperationException("stub");
    }

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

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("stub");
    }
}
