package io.jenkins.plugins.bluegreen.plugin;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credentials one step has read (tokens, passwords, client keys), masked in everything it writes to the console
 * or puts in an exception message. Our own messages never include them; this catches foreign text, such as an HTTP
 * client's exception quoting a header or a YAML parser quoting a line. Thread-safe: watch threads log too.
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

    void addAll(Iterable<String> more) {
        more.forEach(this::add);
    }

    String redact(String text) {
        if (text == null || values.isEmpty()) {
            return text;
        }
        String result = text;
        // longest first, so a secret containing another is masked whole
        List<String> ordered = values.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        for (String secret : ordered) {
            result = result.replace(secret, MASK);
        }
        return result;
    }
}
