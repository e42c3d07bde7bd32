package com.cloudbees.plugins.credentials;

import com.cloudbees.plugins.credentials.common.IdCredentials;

public class CredentialsMatchers {

    private CredentialsMatchers() {
    }

    public static CredentialsMatcher always() {
        return item -> true;
    }

    public static CredentialsMatcher never() {
        return item -> false;
    }

    public static CredentialsMatcher instanceOf(Class clazz) {
        return item -> clazz.isInstance(item);
    }

    public static CredentialsMatcher withId(String id) {
        return item -> item instanceof IdCredentials c && id.equals(c.getId());
    }

    public static CredentialsMatcher anyOf(CredentialsMatcher... matchers) {
        return item -> {
            for (CredentialsMatcher m : matchers) {
                if (m.matches(item)) {
                    return true;
                }
            }
            return false;
        };
    }

    public static CredentialsMatcher allOf(CredentialsMatcher... matchers) {
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
