package hudson.security;

import edu.umd.cs.findbugs.annotations.NonNull;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.Authentication;

public abstract class ACL {

    public final void checkPermission(@NonNull Permission p) {
        if (!hasPermission(p)) {
            throw new AccessDeniedException("stub ACL: missing permission " + p.getId());
        }
    }

    public final boolean hasPermission(@NonNull Permission p) {
        throw new UnsupportedOperationException("stub");
    }

    public boolean hasPermission2(@NonNull Authentication a, @NonNull Permission permission) {
        throw new UnsupportedOperationException("stub");
    }

    private static final String SYSTEM_USERNAME = "SYSTEM";

    // Never inspected by the offline build; a value of the real type so code can pass it along.
    public static final Authentication SYSTEM2 = new SystemAuthentication();

    private static final class SystemAuthentication implements Authentication {
        private static final long serialVersionUID = 1L;

        @Override
        public java.util.Collection<? extends org.springframework.security.core.GrantedAuthority> getAuthorities() {
            return java.util.List.of();
        }

        @Override
        public Object getCredentials() {
            return "SYSTEM";
        }

        @Override
        public Object getDetails() {
            return null;
        }

        @Override
        public Object getPrincipal() {
            return SYSTEM_USERNAME;
        }

        @Override
        public boolean isAuthenticated() {
            return true;
        }

        @Override
        public void setAuthenticated(boolean isAuthenticated) {
            throw new IllegalArgumentException("stub: SYSTEM stays authenticated");
        }

        @Override
        public String getName() {
            return SYSTEM_USERNAME;
        }
    }
}
