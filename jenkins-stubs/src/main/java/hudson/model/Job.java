package hudson.model;

import hudson.ExtensionPoint;
import hudson.security.ACL;

public abstract class Job<JobT extends Job<JobT, RunT>, RunT extends Run<JobT, RunT>> extends AbstractItem
        implements ExtensionPoint {

    protected Job(ItemGroup parent, String name) {
        super(parent, name);
    }

    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("stub");
    }
}
