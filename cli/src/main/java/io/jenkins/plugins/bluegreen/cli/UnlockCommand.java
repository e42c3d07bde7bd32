package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import io.jenkins.plugins.bluegreen.core.LockInfo;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bluegreen unlock}: clears the deploy lock of a holder that died (a killed deploy, a crashed pipeline) without
 * touching traffic. Guarded by the holder it names: a lock someone else holds by the time of the write is left alone
 * (exit 1, naming them). Without {@code --holder} it clears only a lock of this session (a killed command of yours).
 */
@Command(
        name = "unlock",
        description = {
            "Clear the deploy lock of a holder that is dead (a killed deploy, a crashed pipeline) without "
                    + "touching traffic; recorded on the Lease (who, whose, when).",
            "Only if HOLDER holds it at that moment: someone else's lock is left alone (exit 1, naming them).",
            "A release the dead holder left in the idle colour stays; throw it away with 'bluegreen abandon'."
        })
final class UnlockCommand extends EngineCommand {

    @Option(
            names = "--holder",
            paramLabel = "ID",
            description = "the holder whose lock to clear, as status and lock errors print it (default: a lock of "
                    + "yours, i.e. of this user on this host)")
    String holder;

    @Override
    protected int run(BlueGreen engine) {
        String session = holder();
        String whose = holder;
        if (whose == null) {
            Optional<LockInfo> now = engine.lock(app);
            if (now.isEmpty() || now.get().holder() == null) {
                out().printf("the deploy lock of %s is free; nothing to clear%n", app);
                return ExitCodes.OK;
            }
            if (!HolderIdentity.ofSession(now.get().holder(), env())) {
                err().printf(
                                "error: the deploy lock of %s is held by %s, not by a command of yours (%s); nothing was "
                                        + "changed — if that holder is dead, name it: bluegreen unlock --app %s --holder %s%n",
                                app, now.get().holder(), session, app, now.get().holder());
                return ExitCodes.FAILED;
            }
            whose = now.get().holder();
        }
        Optional<LockInfo> cleared;
        try {
            cleared = engine.unlock(app, whose, session);
        } catch (InvalidInputException e) {
            if (holder != null && "holder".equals(e.field())) {
                // the engine checks both holders under one field name; --holder is the one a person typed
                throw new UserInputException(
                        "--holder: " + e.problem() + " — " + e.fix() + " (nothing was changed)", e);
            }
            throw e;
        }
        if (cleared.isEmpty()) {
            out().printf("the deploy lock of %s is free; nothing to clear%n", app);
            return ExitCodes.OK;
        }
        out().printf("cleared the deploy lock of %s held by %s; live traffic untouched%n", app, whose);
        out().printf(
                        "next: bluegreen status --app %s (a release it left in the idle colour: bluegreen abandon --app %s)%n",
                        app, app);
        return ExitCodes.OK;
    }
}
