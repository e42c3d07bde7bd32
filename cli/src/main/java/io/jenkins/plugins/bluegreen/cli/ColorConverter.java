package io.jenkins.plugins.bluegreen.cli;

import io.jenkins.plugins.bluegreen.core.Color;
import io.jenkins.plugins.bluegreen.core.InvalidInputException;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code blue}/{@code green} through core's own parser, so the CLI accepts exactly what the engine does; picocli
 * then reports a bad value as a usage error naming the option (exit 2).
 */
final class ColorConverter implements ITypeConverter<Color> {
    @Override
    public Color convert(String value) {
        try {
            return Color.parse(value);
        } catch (InvalidInputException e) {
            throw new TypeConversionException("'" + value + "' is not a colour; use blue or green");
        }
    }
}
