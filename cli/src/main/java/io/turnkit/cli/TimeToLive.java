package io.turnkit.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How long a TURN REST API credential stays good: a number and a unit, {@code 90s}, {@code 10m}, {@code 24h},
 * {@code 7d}. At most ten years, so that the expiry in the username stays within the digits the server reads.
 */
final class TimeToLive implements ITypeConverter<Duration> {
    static final Duration MAX = Duration.ofDays(3650);
    private static final Pattern FORM = Pattern.compile("([0-9]{1,9})([smhd])");

    @Override
    public Duration convert(String value) {
        Matcher matcher = FORM.matcher(value);
        Duration ttl = matcher.matches() ? of(Long.parseLong(matcher.group(1)), matcher.group(2).charAt(0)) : null;
        if (ttl == null || ttl.isZero() || ttl.compareTo(MAX) > 0) {
            throw new TypeConversionException("expected a time to live such as 90s, 10m, 24h or 7d, from 1s to "
                    + MAX.toDays() + "d; got '" + value + "'");
        }
        return ttl;
    }

    private static Duration of(long amount, char unit) {
        switch (unit) {
            case 's':
                return Duration.ofSeconds(amount);
            case 'm':
                return Duration.ofMinutes(amount);
            case 'h':
                return Duration.ofHours(amount);
            default:
                return Duration.ofDays(amount);
        }
    }
}
