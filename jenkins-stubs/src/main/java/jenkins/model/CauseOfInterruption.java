package jenkins.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

public abstract class CauseOfInterruption implements Serializable {

    private static final long serialVersionUID = 1L;

    public abstract String getShortDescription();

    public static final class UserInterruption extends CauseOfInterruption {

        private static final long serialVersionUID = 1L;

        private final String user;

        public UserInterruption(@NonNull String userId) {
            this.user = userId;
        }

        @NonNull
        public String getUserId() {
            return user;
        }

        @Override
        public String getShortDescription() {
            return "Aborted by " + user;
        }
    }
}
