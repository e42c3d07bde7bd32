package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.HealthProgress;
import io.jenkins.plugins.bluegreen.core.ReleaseListener;
import java.io.PrintWriter;

/**
 * Prints the engine's progress: steps and rollout progress ("myapp-green: 7/10 ready ...") to stdout, warnings to
 * stderr so a script capturing stdout still sees them. The engine calls this from watch threads as well;
 * {@link PrintWriter#println} is synchronized, so lines never interleave mid-line.
 */
final class ConsoleListener implements ReleaseListener {

    private final PrintWriter out;
    private final PrintWriter err;

    ConsoleListener(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public void info(String message) {
        out.println(message);
        out.flush();
    }

    @Override
    public void progress(HealthProgress progress) {
        out.println(progress.deployment() + ": " + progress.summary());
        out.flush();
    }

    @Override
    public void warn(String message) {
        err.println("warning: " + message);
        err.flush();
    }
}
