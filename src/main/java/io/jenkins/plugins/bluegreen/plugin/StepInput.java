package io.jenkins.plugins.bluegreen.plugin;

import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.DurationText;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Checks of step parameters that need no cluster, shared by the executions (which fail before any request) and
 * the descriptors' form validation (which shows the same text in the Snippet Generator). Every problem is an
 * {@link InvalidInputException} naming the step parameter and the fix.
 */
final class StepInput {

    /** Kubernetes object names the app becomes part of: a DNS-1123 label, short enough for "-green". */
    private static final Pattern APP = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    private static final int APP_MAX = 57;

    private StepInput() {}

    static String app(String app) {
        if (app == null) {
            throw new InvalidInputException("app", "is missing", "pass the application name, e.g. app: 'myapp'");
        }
        if (app.length() > APP_MAX || !APP.matcher(app).matches()) {
            throw new InvalidInputException(
                    "app",
                    "'" + app + "' is not a valid application name",
                    "use lower-case letters, digits and '-', at most " + APP_MAX + " characters, e.g. 'myapp'");
        }
        return app;
    }

    /** A duration of zero or more; {@code fallback} when not given. */
    static Duration duration(String field, String text, Duration fallback) {
        return text == null ? fallback : DurationText.parse(field, text);
    }

    /** A strictly positive duration (timeouts); {@code fallback} when not given. */
    static Duration timeout(String field, String text, Duration fallback) {
        return text == null ? fallback : DurationText.parsePositive(field, text);
    }

    /** A colour, or null when not given (= the idle one). */
    static Color color(String field, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Color.parse(text);
        } catch (InvalidInputException e) {
            throw new InvalidInputException(
                    field, e.problem(), "use 'blue' or 'green', or leave it out for the idle colour");
        }
    }

    static void serverUrl(String url) {
        if (url != null && !(url.startsWith("https://") || url.startsWith("http://"))) {
            throw new InvalidInputException(
                    "serverUrl",
                    "'" + url + "' is not an http(s) URL",
                    "use the API server's address, e.g. https://kubernetes.example.com:6443");
        }
    }

    static void caCertificate(String pem) {
        if (pem != null && !pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw new InvalidInputException(
                    "caCertificate",
                    "is not a PEM certificate",
                    "paste the CA certificate including its -----BEGIN CERTIFICATE----- line");
        }
    }

    /** The checks every step makes on the shared parameters. */
    static void cluster(ClusterStep step) {
        app(step.getApp());
        serverUrl(step.getServerUrl());
        caCertificate(step.getCaCertificate());
    }
}
