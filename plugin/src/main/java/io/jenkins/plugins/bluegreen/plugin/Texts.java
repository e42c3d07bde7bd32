package io.jenkins.plugins.bluegreen.plugin;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * User-facing texts from {@code Messages.properties} (Jenkins' file name and format, so translations go where
 * Jenkins developers expect them). Read with {@link ResourceBundle} rather than the class Jenkins' localizer Maven
 * plugin generates: that plugin is not on Maven Central, and the offline build compiles the same sources.
 */
final class Texts {
    private static final String BUNDLE = "io.jenkins.plugins.bluegreen.plugin.Messages";

    private Texts() {}

    static String get(String key, Object... args) {
        String pattern = ResourceBundle.getBundle(BUNDLE, Locale.getDefault(), Texts.class.getClassLoader())
                .getString(key);
        // always through MessageFormat, as the generated class does: a quote is written '' in the file
        return new MessageFormat(pattern, Locale.ROOT).format(args);
    }
}
