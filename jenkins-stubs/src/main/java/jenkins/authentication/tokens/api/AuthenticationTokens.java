package jenkins.authentication.tokens.api;

import com.cloudbees.plugins.credentials.Credentials;
import com.cloudbees.plugins.credentials.CredentialsMatcher;

public final class AuthenticationTokens {

    private AuthenticationTokens() {
    }

    // The conversions are contributed by other plugins' extensions, which exist only in a running Jenkins.
    public static <T, C extends Credentials> T convert(Class<T> type, C credentials) {
        throw new UnsupportedOperationException("stub");
    }

    public static <T> CredentialsMatcher matcher(Class<T> tokenClass) {
        throw new UnsupportedOperationException("stub");
    }
}
