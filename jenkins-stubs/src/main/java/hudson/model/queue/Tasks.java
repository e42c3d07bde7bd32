package hudson.model.queue;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.model.Queue.Task;
import org.springframework.security.core.Authentication;

public class Tasks {

    // Who a task runs as is decided by a running controller.
    @NonNull
    public static Authentication getAuthenticationOf2(@NonNull Task t) {
        throw new UnsupportedOperationException("stub");
    }
}
