package io.jenkins.plugins.bluegreen.core;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/** Checks of request fields that need no cluster. Each failure names the field and the fix. */
final class InputValidation {
    private static final Pattern DNS_1123_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final int MAX_NAME = 63;
    /** Lease holder identities are free text, but they are printed in messages and kubectl columns. */
    static final int MAX_HOLDER = 1024;
    /** Who approved a switch is recorded in the Service's history and printed by status: one short line. */
    static final int MAX_APPROVER = 256;
    /**
     * Far above any app's need (benchmarks use 1000), far below what makes the API server and the simulated
     * controllers allocate a pod object per replica until they run out of memory.
     */
    static final int MAX_REPLICAS = 10_000;
    /**
     * An image reference as the container runtime parses it (github.com/distribution/reference): optional registry
     * host[:port]/, lower-case path components, optional :tag and @digest. Anything else is refused here instead of
     * becoming pods stuck in InvalidImageName.
     */
    private static final Pattern IMAGE_REFERENCE;

    static {
        String domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        String domain = "(?:" + domainComponent + "(?:\\." + domainComponent + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?";
        String pathComponent = "[a-z0-9]+(?:(?:__|[_.]|-+)[a-z0-9]+)*";
        String name = "(?:" + domain + "/)?" + pathComponent + "(?:/" + pathComponent + ")*";
        String tag = "[\\w][\\w.-]{0,127}";
        String digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
        IMAGE_REFERENCE = Pattern.compile(name + "(?::" + tag + ")?(?:@" + digest + ")?");
    }

    private InputValidation() {}

    static void app(String app, BlueGreenSettings settings) {
        if (app == null || app.isBlank()) {
            throw new InvalidInputException("app", "is empty", "pass the app name, e.g. --app myapp");
        }
        if (!DNS_1123_LABEL.matcher(app).matches()) {
            throw new InvalidInputException(
                    "app",
                    "'" + app + "' is not a DNS-1123 label",
                    "use lower-case letters, digits and '-', starting and ending with a letter or digit");
        }
        for (Color color : Color.values()) {
            String name = settings.deploymentName(app, color);
            if (name.length() > MAX_NAME) {
                throw new InvalidInputException(
                        "app",
                        "'" + app + "' is too long: Deployment " + name + " would have " + name.length()
                                + " characters (max " + MAX_NAME + ")",
                        "use a shorter app name");
            }
        }
        String lease = settings.leaseName(app);
        if (lease.length() > MAX_NAME) {
            throw new InvalidInputException(
                    "app", "'" + app + "' is too long for its lock Lease " + lease, "use a shorter app name");
        }
    }

    static void holder(String holder) {
        if (holder == null || holder.isBlank()) {
            throw new InvalidInputException(
                    "holder", "is empty", "pass who holds the deploy lock, e.g. the build URL or cli:user@host");
        }
        if (holder.chars().anyMatch(Character::isISOControl)) {
            // it is echoed into consoles ("locked by ..."): a newline in it could forge log lines
            throw new InvalidInputException(
                    "holder",
                    "contains a control character (e.g. a line break)",
                    "pass a single-line identity, e.g. the build URL or cli:user@host");
        }
        if (holder.length() > MAX_HOLDER) {
            throw new InvalidInputException(
                    "holder",
                    "is " + holder.length() + " characters long (max " + MAX_HOLDER + ")",
                    "pass a short identity, e.g. the build URL or cli:user@host");
        }
    }

    /** Who approved: free text, but recorded in history and printed by status, so it must not forge lines. */
    static void approvedBy(String field, String approvedBy) {
        if (approvedBy == null) {
            return;
        }
        if (approvedBy.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(
                    field,
                    "contains a control character (e.g. a line break or an escape " + "sequence)",
                    "pass a single-line name, e.g. alice or the approver's user id");
        }
        // bidi overrides (U+202E) and other format characters make a stored name read as another one wherever it is
        // shown
        OptionalInt format = approvedBy
                .codePoints()
                .filter(c -> Character.getType(c) == Character.FORMAT)
                .findFirst();
        if (format.isPresent()) {
            throw new InvalidInputException(
                    field,
                    "contains the invisible format character "
                            + String.format("U+%04X", format.getAsInt())
                            + " (e.g. a right-to-left override), which makes a "
                            + "name display as another",
                    "pass the name as plain text, e.g. alice or the approver's user id");
        }
        if (approvedBy.length() > MAX_APPROVER) {
            throw new InvalidInputException(
                    field,
                    "is " + approvedBy.length() + " characters long (max " + MAX_APPROVER + ")",
                    "pass a short name, e.g. alice or the approver's user id");
        }
    }

    static void namespace(String namespace) {
        if (namespace == null || namespace.isBlank()) {
            throw new InvalidInputException(
                    "namespace", "is not set", "pass a namespace (-n) or set one in the kubeconfig context");
        }
        if (namespace.length() > MAX_NAME || !DNS_1123_LABEL.matcher(namespace).matches()) {
            // it becomes a path segment of every request: 'a/b' would address something else entirely
            throw new InvalidInputException(
                    "namespace",
                    "'" + namespace + "' is not a valid namespace name",
                    "use a DNS-1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a "
                            + "letter or digit");
        }
    }

    static void timeout(Duration timeout) {
        if (timeout == null || timeout.isZero() || timeout.isNegative()) {
            throw new InvalidInputException(
                    "timeout", "must be positive but is " + timeout, "pass a positive duration, e.g. 5m");
        }
        atMostMax("timeout", timeout);
    }

    static void lockWait(Duration wait) {
        if (wait != null && wait.isNegative()) {
            throw new InvalidInputException(
                    "lockWait", "is negative", "pass 0 to fail at once, or a positive duration");
        }
        atMostMax("lockWait", wait);
    }

    static void scaleDownDelay(Duration delay) {
        if (delay != null && delay.isNegative()) {
            throw new InvalidInputException(
                    "scaleDownDelay",
                    "is negative",
                    "pass 0 to keep the old colour running, or a positive duration such as 30s");
        }
        atMostMax("scaleDownDelay", delay);
    }

    static void verifyFor(Duration window) {
        if (window != null && window.isNegative()) {
            throw new InvalidInputException(
                    "verifyFor", "is negative", "pass 0 to switch without verifying, or a window such as 2m");
        }
        atMostMax("verifyFor", window);
    }

    /** Every duration is added to a clock or counted in milliseconds later: refused here, before any write. */
    static void atMostMax(String field, Duration d) {
        if (d != null && d.compareTo(DurationText.MAX) > 0) {
            throw DurationText.tooLarge(field, d.getSeconds() + "s"); // format() itself would overflow
        }
    }

    static void replicas(Integer replicas) {
        replicas("replicas", replicas, "pass 0 or more, or leave it out to use the live colour's count");
    }

    static void replicas(String field, Integer replicas, String fix) {
        if (replicas != null && replicas < 0) {
            throw new InvalidInputException(field, "is " + replicas, fix);
        }
        if (replicas != null && replicas > MAX_REPLICAS) {
            throw new InvalidInputException(
                    field, "is " + replicas + " (max " + MAX_REPLICAS + ")", "pass at most " + MAX_REPLICAS);
        }
    }

    static void image(String image) {
        if (image.isBlank()) {
            throw new InvalidInputException("image", "is empty", "pass an image reference, e.g. registry/myapp:2.0");
        }
        if (image.chars().anyMatch(Character::isWhitespace)) {
            throw new InvalidInputException(
                    "image",
                    "'" + image + "' contains whitespace",
                    "pass a single image reference, e.g. registry/myapp:2.0");
        }
        if (!IMAGE_REFERENCE.matcher(image).matches()) {
            throw new InvalidInputException(
                    "image",
                    "'" + image + "' is not a valid image reference",
                    "use [registry[:port]/]name[:tag][@digest] with a lower-case name, e.g. registry.example/myapp:2.0");
        }
    }

    static void serviceName(String field, String name) {
        if (name != null && !DNS_1123_LABEL.matcher(name).matches()) {
            throw new InvalidInputException(
                    field,
                    "'" + name + "' is not a valid Service name",
                    "use a DNS-1123 label (lower-case letters, digits, '-')");
        }
    }
}
