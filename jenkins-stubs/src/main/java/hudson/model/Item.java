package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.security.AccessControlled;
import hudson.security.Permission;

public interface Item extends AccessControlled {

    @NonNull
    String getName();

    @NonNull
    String getFullName();

    String getUrl();

    Permission CONFIGURE = Permission.fromId("hudson.model.Item.Configure");

    Permission READ = Permission.fromId("hudson.model.Item.Read");

    Permission EXTENDED_READ = Permission.fromId("hudson.model.Item.ExtendedRead");
}
