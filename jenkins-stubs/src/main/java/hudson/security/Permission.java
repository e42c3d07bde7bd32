package hudson.security;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

public final class Permission {

    // Stand-in identity only: the real class builds permissions from groups and localized names.
    private static final Map<String, Permission> BY_ID = new ConcurrentHashMap<>();

    private final String id;

    private Permission(String id) {
        this.id = id;
    }

    @NonNull
    public String getId() {
        return id;
    }

    // Returns the one stand-in for an id, so Jenkins' and Item's constants compare by identity.
    @CheckForNull
    public static Permission fromId(@NonNull String id) {
        return BY_ID.computeIfAbsent(id, Permission::new);
    }

    @Override
    public String toString() {
        return "Permission[" + id + "]";
    }
}
