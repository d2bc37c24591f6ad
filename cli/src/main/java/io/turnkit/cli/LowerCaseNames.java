package io.turnkit.cli;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The values of an enum as the command line spells them, {@code sha256} for {@code SHA256}: both the converter
 * of an option and its completion candidates, so that help, completion and parsing agree. Each enum gets a
 * one-line subclass, since picocli instantiates converters by class.
 */
abstract class LowerCaseNames<E extends Enum<E>> implements ITypeConverter<E>, Iterable<String> {
    private final Class<E> type;

    LowerCaseNames(Class<E> type) {
        this.type = type;
    }

    @Override
    public E convert(String value) {
        for (E constant : type.getEnumConstants()) {
            if (name(constant).equals(value)) {
                return constant;
            }
        }
        throw new TypeConversionException("expected " + String.join(", ", names()) + "; got '" + value + "'");
    }

    @Override
    public Iterator<String> iterator() {
        return names().iterator();
    }

    private List<String> names() {
        return Arrays.stream(type.getEnumConstants()).map(LowerCaseNames::name).toList();
    }

    static String name(Enum<?> constant) {
        return constant.name().toLowerCase(Locale.ROOT);
    }
}
