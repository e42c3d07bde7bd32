package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.AppStatus;
import io.jenkins.plugins.bluegreen.core.BlueGreen;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bluegreen status}: what runs where, read from the cluster; writes nothing. */
@Command(
        name = "status",
        description = {
            "Show the live and idle colours, each colour's image and readiness, the pods the Service's "
                    + "endpoints reach, the lock and the history.",
            "Exits 1 when the Service reaches no ready pods, or pods of no colour or of the colour not live."
        })
final class StatusCommand extends EngineCommand {

    enum Format {
        json
    }

    @Option(
            names = {"-o", "--output"},
            paramLabel = "json",
            description = "json: a document for scripts (default: a readable summary)")
    Format format;

    @Override
    protected int run(BlueGreen engine) {
        AppStatus status = engine.status(app);
        if (format == Format.json) {
            out().println(StatusJson.render(status));
            out().flush();
        } else {
            StatusTable.print(status, Instant.now(), out());
        }
        if (!status.serves()) {
            // users get no ready pods, or pods of no colour / the wrong colour: a script must not read this as fine
            err().println("error: " + status.serving().problem());
            err().flush();
            return ExitCodes.FAILED;
        }
        return ExitCodes.OK;
    }
}
