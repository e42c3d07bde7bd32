package jenkins.authentication.tokens.api;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsMatcher;
import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;

public final class AuthenticationTokens {

    private AuthenticationTokens() {}

    // The conversions are contributed by other plugins' extensions, which exist only in a running Jenkins.
    @CheckForNull
    public static <T, C extends Credentials> T convert(@NonNull Class<T> type, @CheckForNull C credentials) {
        throw new UnsupportedOperationException("stub");
    }

    public static <T> CredentialsMatcher matcher(Class<T> tokenClass) {
        throw new UnsupportedOperationException("stub");
    }
}
