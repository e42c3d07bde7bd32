package io.jenkins.plugins.bluegreen.cli;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Credentials the CLI has read (kubeconfig tokens, passwords, private keys), masked in every error it prints. The
 * CLI's own messages never include them; this catches foreign text — an exception from the HTTP client or a YAML
 * parser quoting what it read — before it reaches a console or a CI log.
 */
final class Secrets {

    static final String MASK = "****";
    /** Shorter values would mask ordinary words. */
    private static final int MIN_LENGTH = 6;

    private final Set<String> values = ConcurrentHashMap.newKeySet();

    void add(String value) {
        if (value != null && value.strip().length() >= MIN_LENGTH) {
            values.add(value.strip());
        }
    }

    String redact(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String result = text;
        // longest first, so a secret that contains another is masked whole
        List<String> ordered = values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String secret : ordered) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
