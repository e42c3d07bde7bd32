package io.jenkins.plugins.bluegreen.core;

/**
 * The request cannot be carried out as given. Thrown before any write, so nothing in the cluster changed.
 * {@link #field()} names the offending input (e.g. {@code image}, {@code manifest}, {@code service.selector}),
 * {@link #fix()} says what to do about it.
 */
public class InvalidInputException extends BlueGreenException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String problem;
    private final String fix;

    public InvalidInputException(String field, String problem, String fix) {
        super(field + ": " + problem + " — " + fix + " (nothing was changed)");
        this.field = field;
        this.problem = problem;
        this.fix = fix;
    }

    public String field() {
        return field;
    }

    /** What is wrong, without the field name, so a front end can name the field its own way (e.g. {@code --app}). */
    public String problem() {
        return problem;
    }

    public String fix() {
        return fix;
    }
}
