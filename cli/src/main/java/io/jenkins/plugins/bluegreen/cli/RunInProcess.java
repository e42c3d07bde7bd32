package io.jenkins.plugins.bluegreen.cli;

/**
 * Thrown in the warm helper, before a command has written anything, when the command must run in the user's own
 * process instead (a kubeconfig whose credential plugin runs a program, a kubeconfig only that process can open):
 * the helper answers "run it yourself" and the launcher runs the command in-process as it would without a helper.
 */
final class RunInProcess extends RuntimeException {

    private static final long serialVersionUID = 1L;

    RunInProcess(String reason) {
        super(reason, null, false, false);
    }
}
