package hudson.model;

import hudson.security.AccessControlled;
import hudson.security.Permission;

public interface Item extends AccessControlled {

    String getName();

    String getFullName();

    String getUrl();

    Permission CONFIGURE = Permission.fromId("hudson.model.Item.Configure");

    Permission READ = Permission.fromId("hudson.model.Item.Read");

    Permission EXTENDED_READ = Permission.fromId("hudson.model.Item.ExtendedRead");
}
