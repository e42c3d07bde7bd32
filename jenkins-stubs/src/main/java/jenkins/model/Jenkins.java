package jenkins.model;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.security.ACL;
import hudson.security.AccessControlled;
import hudson.security.Permission;

public class Jenkins implements AccessControlled {

    // The real constructors start a controller; nothing here may create one.
    private Jenkins() {}

    public static final Permission ADMINISTER = Permission.fromId("hudson.model.Hudson.Administer");

    // No controller runs here: code that needs one must be reached only from world tests.
    @NonNull
    public static Jenkins get() throws IllegalStateException {
        throw new IllegalStateException("stub: there is no Jenkins controller in the offline build");
    }

    @CheckForNull
    public static Jenkins getInstanceOrNull() {
        return null;
    }

    public java.io.File getRootDir() {
        throw new UnsupportedOperationException("stub");
    }

    @NonNull
    @Override
    public ACL getACL() {
        throw new UnsupportedOperationException("stub");
    }
}
