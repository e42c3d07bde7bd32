package io.jenkins.plugins.bluegreen.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * {@code --lock-wait}, mixed into the commands that take the per-app deploy lock (deploy, switch, rollback). By
 * default a command fails at once, naming the holder, when another one has the lock: in a pipeline, blocking for an
 * unknown time is the surprise; a pipeline that should queue behind another says so with {@code --lock-wait 15m}.
 */
final class LockOptions {

    @Option(
            names = "--lock-wait",
            paramLabel = "DURATION",
            defaultValue = "0",
            converter = Durations.NonNegative.class,
            description = "how long to wait for another holder's deploy lock to be released or expire "
                    + "(default: 0, fail at once naming the holder)")
    Duration lockWait;
}
