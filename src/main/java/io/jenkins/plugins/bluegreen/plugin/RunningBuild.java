package io.jenkins.plugins.bluegreen.plugin;

import hudson.model.Run;
import java.io.IOException;
import org.jenkinsci.plugins.workflow.steps.StepContext;

/**
 * What the steps need of their build: its lasting id and whether it still runs. The plugin's own seam over Jenkins'
 * {@link Run}, so tests describe a build without subclassing Run (whose real constructor needs a job).
 */
interface RunningBuild {

    /** {@code <job full name>#<number>}, the same across a restart; may be null. */
    String externalizableId();

    boolean isBuilding();

    /** The step's build: its Run, else (offline tests only) a RunningBuild the test context supplies; may be null. */
    static RunningBuild of(StepContext context) throws IOException, InterruptedException {
        Run<?, ?> run = context.get(Run.class);
        if (run == null) {
            return context.get(RunningBuild.class);
        }
        return new RunningBuild() {
            @Override
            public String externalizableId() {
                return run.getExternalizableId();
            }

            @Override
            public boolean isBuilding() {
                return run.isBuilding();
            }
        };
    }
}
