package io.jenkins.plugins.bluegreen.plugin;

import hudson.model.TaskListener;
import io.jenkins.plugins.bluegreen.core.CredentialMask;
import io.jenkins.plugins.bluegreen.core.HealthProgress;
import io.jenkins.plugins.bluegreen.core.ReleaseListener;
import java.io.PrintStream;

/**
 * Core's progress in the build console, each line prefixed {@value #PREFIX} so an approver can tell the release's
 * lines from the rest. Core calls this from watch threads too; one {@code println} per line keeps lines whole.
 */
final class ConsoleListener implements ReleaseListener {
    static final String PREFIX = "[blue-green] ";

    private final PrintStream out;
    private final CredentialMask secrets;

    ConsoleListener(TaskListener listener, CredentialMask secrets) {
        this.out = listener.getLogger();
        this.secrets = secrets;
    }

    @Override
    public void info(String message) {
        line(message);
    }

    @Override
    public void progress(HealthProgress progress) {
        line(progress.deployment() + ": " + progress.summary());
    }

    @Override
    public void warn(String message) {
        line("warning: " + message);
    }

    /** For a dry run: core's narration would speak of writes as made, so only its warnings are shown, marked. */
    ReleaseListener forDryRun() {
        ConsoleListener console = this;
        return new ReleaseListener() {
            @Override
            public void warn(String message) {
                console.warn("(dry run) " + message);
            }
        };
    }

    void line(String message) {
        out.println(PREFIX + secrets.redact(message));
    }
}
