package org.jenkinsci.plugins.workflow.steps;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Result;
import java.util.Arrays;
import java.util.List;
import jenkins.model.CauseOfInterruption;

public final class FlowInterruptedException extends InterruptedException {

    private static final long serialVersionUID = 1L;

    // Kept so offline tests can tell an Abort from a failure, as the real exception allows.
    private final Result result;
    private final List<CauseOfInterruption> causes;
    private boolean actualInterruption;

    @Deprecated
    public FlowInterruptedException(@NonNull Result result, @NonNull CauseOfInterruption... causes) {
        this(result, true, causes);
    }

    public FlowInterruptedException(
            @NonNull Result result, boolean actualInterruption, @NonNull CauseOfInterruption... causes) {
        this.result = result;
        this.actualInterruption = actualInterruption;
        this.causes = List.copyOf(Arrays.asList(causes));
    }

    @NonNull
    public Result getResult() {
        return result;
    }

    @NonNull
    public List<CauseOfInterruption> getCauses() {
        return causes;
    }

    public boolean isActualInterruption() {
        return actualInterruption;
    }

    public void setActualInterruption(boolean actualInterruption) {
        this.actualInterruption = actualInterruption;
    }
}
