package org.jenkinsci.plugins.workflow.steps;

import com.google.common.util.concurrent.FutureCallback;
import java.io.Serializable;

public abstract class BodyExecutionCallback implements Serializable {

    private static final long serialVersionUID = 1L;

    public void onStart(StepContext context) {}

    public abstract void onSuccess(StepContext context, Object result);

    public abstract void onFailure(StepContext context, Throwable t);

    public static BodyExecutionCallback wrap(FutureCallback<Object> v) {
        return new Forwarding(v);
    }

    // Our own adapter (the real one is private): passes the body's outcome to a FutureCallback.
    private static final class Forwarding extends BodyExecutionCallback {
        private static final long serialVersionUID = 1L;
        private final FutureCallback<Object> target;

        Forwarding(FutureCallback<Object> target) {
            this.target = target;
        }

        @Override
        public void onSuccess(StepContext context, Object result) {
            target.onSuccess(result);
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            target.onFailure(t);
        }
    }

    public abstract static class TailCall extends BodyExecutionCallback {

        private static final long serialVersionUID = 1L;

        protected abstract void finished(StepContext context) throws Exception;

        @Override
        public final void onSuccess(StepContext context, Object result) {
            try {
                finished(context);
            } catch (Exception x) {
                context.onFailure(x);
                return;
            }
            context.onSuccess(result);
        }

        @Override
        public void onFailure(StepContext context, Throwable t) {
            try {
                finished(context);
            } catch (Exception x) {
                t.addSuppressed(x);
            }
            context.onFailure(t);
        }
    }
}
