package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;

public class CredentialsMatchers {

    private CredentialsMatchers() {}

    @NonNull
    public static CredentialsMatcher always() {
        return item -> true;
    }

    @NonNull
    public static CredentialsMatcher never() {
        return item -> false;
    }

    @NonNull
    public static CredentialsMatcher instanceOf(@NonNull Class clazz) {
        return item -> clazz.isInstance(item);
    }

    @NonNull
    public static CredentialsMatcher withId(@NonNull String id) {
        return item -> item instanceof IdCredentials c && id.equals(c.getId());
    }

    @NonNull
    public static CredentialsMatcher anyOf(@NonNull CredentialsMatcher... matchers) {
        return item -> {
            for (CredentialsMatcher m : matchers) {
                if (m.matches(item)) {
                    return true;
                }
            }
            return false;
        };
    }

    @NonNull
    public static CredentialsMatcher allOf(@NonNull CredentialsMatcher... matchers) {
        return item -> {
            for (CredentialsMatcher m : matchers) {
                if (!m.matches(item)) {
                    return false;
                }
            }
            return true;
        };
    }
}
