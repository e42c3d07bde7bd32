package io.jenkins.plugins.bluegreen.core;

import io.fabric8.kubernetes.api.model.AuthInfo;
import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.NamedAuthInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials a front end has read (tokens, passwords, client keys), masked in any text it shows. Core's own
 * messages never contain them; this catches foreign text — an HTTP client's exception quoting a header, a YAML
 * parser quoting a line — before it reaches a console or a CI log. The CLI and the Jenkins steps each keep one.
 * Thread-safe: watch threads report too.
 */
public final class CredentialMask {
    public static final String MASK = "****";
    /** Shorter values would mask ordinary words. */
    private static final int MIN_LENGTH = 6;

    private final Set<String> values = ConcurrentHashMap.newKeySet();

    /** Masks {@code value} from now on; null and values too short to be a credential are ignored. */
    public void add(String value) {
        if (value != null && value.strip().length() >= MIN_LENGTH) {
            values.add(value.strip());
        }
    }

    public void addAll(Iterable<String> more) {
        more.forEach(this::add);
    }

    /** {@code text} with every known credential replaced by {@value #MASK}. */
    public String redact(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String result = text;
        // longest first, so a credential containing another is masked whole
        List<String> ordered = values.stream()
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
        for (String secret : ordered) {
            result = result.replace(secret, MASK);
        }
        return result;
    }

    /**
     * Every user's credentials in a parsed kubeconfig, not only the chosen context's: an error may quote any of them.
     */
    public static List<String> kubeconfigCredentials(Config parsed) {
        List<String> found = new ArrayList<>();
        if (parsed.getUsers() == null) {
            return found;
        }
        for (NamedAuthInfo named : parsed.getUsers()) {
            AuthInfo user = named.getUser();
            if (user == null) {
                continue;
            }
            for (String s : new String[] {user.getToken(), user.getPassword(), user.getClientKeyData()}) {
                if (s != null) {
                    found.add(s);
                }
            }
            if (user.getAuthProvider() != null && user.getAuthProvider().getConfig() != null) {
                found.addAll(user.getAuthProvider().getConfig().values());
            }
        }
        return found;
    }
}
