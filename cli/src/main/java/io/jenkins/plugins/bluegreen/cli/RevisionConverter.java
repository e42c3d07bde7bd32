package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import io.jenkins.plugins.bluegreen.core.Revision;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A revision as {@code deploy} and {@code await} print it, through core's own parser; picocli reports a bad one as a
 * usage error naming the option (exit 2), before anything is read or written.
 */
final class RevisionConverter implements ITypeConverter<Revision> {
    @Override
    public Revision convert(String value) {
        try {
            return Revision.parse("--expect-revision", value);
        } catch (InvalidInputException e) {
            throw new TypeConversionException(e.problem() + "; pass the tested revision that bluegreen deploy or "
                    + "bluegreen await printed: " + Revision.FORM);
        }
    }
}
