package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.BlueGreen;
import io.jenkins.plugins.bluegreen.core.DeployRequest;
import io.jenkins.plugins.bluegreen.core.HealthSummary;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import io.jenkins.plugins.bluegreen.core.LockHeldException;
import io.jenkins.plugins.bluegreen.core.Release;
import io.jenkins.plugins.bluegreen.core.RollbackWindowOpenException;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bluegreen deploy}: the new version into the idle colour, then (unless --no-wait) await it healthy. */
@Command(
        name = "deploy",
        description = {
            "Deploy a new version into the idle colour (the one the live Service does not select), then "
                    + "wait until it is healthy. Live traffic is not touched; switch it with 'bluegreen switch'.",
            "An app whose Service has no colour yet is adopted first: its running version becomes the live " + "colour."
        })
final class DeployCommand extends EngineCommand {

    @Mixin
    DryRunOption dryRunOption;

    @Override
    boolean dryRun() {
        return dryRunOption.dryRun;
    }

    /** Exactly one source of what to run, as the contract writes it: (--image IMAGE | --manifest FILE). */
    static final class Source {
        @Option(
                names = "--image",
                required = true,
                paramLabel = "IMAGE",
                description = "container image; the live colour's pod template is reused with it")
        String image;

        @Option(
                names = "--manifest",
                required = true,
                paramLabel = "FILE",
                description = "a Deployment YAML file; the colour is added to its name, selector and labels")
        Path manifest;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(
            names = "--replicas",
            paramLabel = "N",
            description = "replicas for the new colour (default: the live colour's, or its HPA's)")
    Integer replicas;

    @Option(names = "--service", paramLabel = "NAME", description = "the live Service (default: APP)")
    String service;

    @Option(
            names = "--preview-service",
            paramLabel = "NAME",
            description = "a Service that follows the new colour once it is ready, for testing it before the switch")
    String previewService;

    @Option(names = "--no-wait", description = "return once the Deployment is written; run 'bluegreen await' later")
    boolean noWait;

    @Option(
            names = "--timeout",
            paramLabel = "DURATION",
            defaultValue = "10m",
            converter = Durations.Positive.class,
            description =
                    "how long the new colour (and an adopted one) may take to become healthy (default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(
            names = "--replace-rollback-target",
            description = "deploy even into the colour the last switch kept for a rollback while its rollback window "
                    + "(until its scheduled scale-down) is open; a rollback then has no previous release to go to "
                    + "(default: refuse, naming the window's end, or wait for it within --lock-wait)")
    boolean replaceRollbackTarget;

    @Mixin
    LockOptions lock;

    @Override
    protected int run(BlueGreen engine) {
        // this deploy is its own holder; a lock parked by an earlier deploy of this session is taken back first
        String session = holder();
        String holder = HolderIdentity.invocation(env());
        invocationHolder = holder;
        sessionHolder = session;
        DeployRequest.Builder request = DeployRequest.builder(app)
                .service(service)
                .previewService(previewService)
                .replicas(replicas)
                .holder(holder)
                .lockWait(lock.lockWait)
                .timeout(timeout)
                .replaceRollbackTarget(replaceRollbackTarget)
                .takesBackFrom(holder.equals(session) ? null : session);
        if (source.manifest != null) {
            request.manifestFile(source.manifest);
        } else {
            request.image(source.image);
        }
        DeployRequest built = request.build();
        try {
            int exit = deploy(engine, built);
            park(engine, holder, session);
            return exit;
        } catch (InvalidInputException | LockHeldException | RollbackWindowOpenException neverHeldTheLock) {
            throw neverHeldTheLock; // refused before taking the lock, or gave it back: nothing to park
        } catch (RuntimeException failed) {
            park(engine, holder, session); // a failed release keeps its lock for the person's rollback or abandon
            throw failed;
        }
    }

    private int deploy(BlueGreen engine, DeployRequest request) {
        // the engine narrates what it did (adoption, the Deployment written) through the listener
        Release release = engine.deploy(request);
        if (noWait) {
            out().printf(
                            "not waiting (--no-wait); next: bluegreen await --app %s --color %s%n",
                            app, release.newColor());
            return ExitCodes.OK;
        }
        // bound to this deploy's pod template: a colour redeployed meanwhile fails the wait, never lends its health
        HealthSummary healthy = engine.awaitHealthy(release, timeout);
        if (healthy.replicas() == 0) {
            // a switch refuses a colour scaled to 0: say what does work with such a release
            out().printf(
                            "deployed: %s with 0 replicas (nothing to wait for); it cannot take traffic — next: deploy "
                                    + "again with --replicas N (N > 0) to switch to it, or bluegreen abandon --app %s%n",
                            healthy.deployment(), app);
            return ExitCodes.OK;
        }
        out().printf(
                        "healthy: %s %d/%d ready after %s; next: bluegreen switch --app %s%n",
                        healthy.deployment(),
                        healthy.replicas(),
                        healthy.replicas(),
                        Durations.format(healthy.elapsed()),
                        app);
        TestedRevisionLine.print(out(), app, healthy);
        return ExitCodes.OK;
    }

    /** This deploy's own lock holder and the session's, for what Ctrl-C leaves (the hook runs on another thread). */
    private volatile String invocationHolder;

    private volatile String sessionHolder;

    @Override
    protected String leftBehind() {
        String holder = invocationHolder;
        // an interrupted deploy never parks its lock: it stays named after this invocation, which the person's
        // abandon does not continue — the exact unlock comes first
        String unlock = holder == null || holder.equals(sessionHolder)
                ? ""
                : "`bluegreen unlock --app " + app + " --holder " + holder + "` clears the deploy lock this deploy "
                        + "held (named after it), then ";
        return "live traffic was not touched; what the deploy wrote stays (the deploy lock of " + app + ", and the "
                + "new colour if it got that far): `bluegreen status --app " + app + "` shows it; " + unlock
                + "`bluegreen abandon --app " + app
                + "` throws the new colour away and releases the lock, or `bluegreen "
                + "deploy` again replaces it";
    }

    /**
     * The lock this deploy holds stays held until the release is switched or abandoned, but under the session's name,
     * so the person's next command continues it; a lock the deploy never got is left alone.
     */
    private void park(BlueGreen engine, String holder, String session) {
        if (holder.equals(session)) {
            return;
        }
        try {
            engine.handOverLock(app, holder, session);
            invocationHolder = session; // parked: the session's next command continues it
        } catch (RuntimeException e) {
            err().printf(
                            "warning: the deploy lock of %s stays named %s (%s); clear it with bluegreen unlock --app %s "
                                    + "--holder %s%n",
                            app, holder, e.getMessage(), app, holder);
        }
    }
}
