package io.jenkins.plugins.bluegreen.kubesim;

/**
 * One request a client sent, in the order the sim received it: its Kubernetes verb, path (without query) and
 * whether it was a {@code dryRun=All} write. For tests that compare what a client said it would write with what
 * it then wrote.
 */
public record ClientRequest(String verb, String path, boolean dryRun) {

    /** create, update, patch, delete or deletecollection. */
    public boolean isWrite() {
        return switch (verb) {
            case "create", "update", "patch", "delete", "deletecollection" -> true;
            default -> false;
        };
    }

    @Override
    public String toString() {
        return verb + " " + path + (dryRun ? " (dry run)" : "");
    }
}
