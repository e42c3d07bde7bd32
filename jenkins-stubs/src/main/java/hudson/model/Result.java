package hudson.model;

import edu.umd.cs.findbugs.annotations.NonNull;
import java.io.Serializable;

public final class Result implements Serializable {

    private static final long serialVersionUID = 1L;

    @NonNull
    public static final Result SUCCESS = new Result("SUCCESS", 0);

    @NonNull
    public static final Result UNSTABLE = new Result("UNSTABLE", 1);

    @NonNull
    public static final Result FAILURE = new Result("FAILURE", 2);

    @NonNull
    public static final Result NOT_BUILT = new Result("NOT_BUILT", 3);

    @NonNull
    public static final Result ABORTED = new Result("ABORTED", 4);

    private final String name;
    public final int ordinal;

    private Result(String name, int ordinal) {
        this.name = name;
        this.ordinal = ordinal;
    }

    public boolean isWorseThan(@NonNull Result that) {
        return ordinal > that.ordinal;
    }

    public boolean isBetterOrEqualTo(@NonNull Result that) {
        return ordinal <= that.ordinal;
    }

    @NonNull
    @Override
    public String toString() {
        return name;
    }

    @NonNull
    public static Result fromString(@NonNull String s) {
        for (Result r : new Result[] {SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED}) {
            if (r.name.equalsIgnoreCase(s)) {
                return r;
            }
        }
        return FAILURE;
    }

    // Constants stay constants across serialization, so == comparisons keep working.
    private Object readResolve() {
        return fromString(name);
    }
}
