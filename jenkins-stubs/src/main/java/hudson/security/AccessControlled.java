package hudson.security;

public interface AccessControlled {

    ACL getACL();

    default void checkPermission(Permission permission) {
        getACL().checkPermission(permission);
    }

    default boolean hasPermission(Permission permission) {
        return getACL().hasPermission(permission);
    }
}
