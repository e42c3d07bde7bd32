package org.jenkinsci.plugins.workflow.steps;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

public abstract class StepExecution implements Serializable {

    private static final long serialVersionUID = 1L;

    // Holds the context so offline tests can drive executions as Jenkins would.
    private StepContext context;

    @Deprecated
    protected StepExecution() {}

    protected StepExecution(@NonNull StepContext context) {
        this.context = context;
    }

    @NonNull
    public StepContext getContext() {
        if (context == null) {
            throw new IllegalStateException("stub: no StepContext given to this execution");
        }
        return context;
    }

    public abstract boolean start() throws Exception;

    // The real default completes the context with the cause; offline tests rely on that.
    public void stop(@NonNull Throwable cause) throws Exception {
        getContext().onFailure(cause);
    }

    public void onResume() {}

    @CheckForNull
    public String getStatus() {
        return null;
    }

    public boolean blocksRestart() {
        return false;
    }
}
