package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.HealthSummary;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bluegreen await}: wait until a colour's rollout is complete, failing fast with the pods' reasons. */
@Command(
        name = "await",
        description = "Wait until a colour is healthy (all replicas updated, ready and available), printing "
                + "progress; fails at once with the pods' reasons when waiting will not help.")
final class AwaitCommand extends EngineCommand {

    @Option(
            names = "--color",
            paramLabel = "blue|green",
            converter = ColorConverter.class,
            description = "the colour to wait for (default: the idle one)")
    Color color;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = Durations.Positive.class,
            description = "how long to wait (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    protected int run(BlueGreen engine) {
        HealthSummary healthy = engine.awaitHealthy(app, color, timeout);
        out().printf(
                        "healthy: %s (%s) %d/%d ready%s after %s%n",
                        healthy.deployment(),
                        healthy.color(),
                        healthy.replicas(),
                        healthy.replicas(),
                        healthy.revision() == null ? "" : ", revision " + healthy.revision(),
                        Durations.format(healthy.elapsed()));
        TestedRevisionLine.print(out(), app, healthy);
        return ExitCodes.OK;
    }

    @Override
    protected String leftBehind() {
        return "nothing was written; the colour keeps rolling out, `bluegreen await --app " + app + "` waits again";
    }
}
