package io.turnkit.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.turnkit.ice.stun.ErrorResponseException;
import io.turnkit.ice.stun.ServerUri;
import io.turnkit.ice.stun.StunClient;
import io.turnkit.ice.stun.StunTimeoutException;
import io.turnkit.ice.stun.StunTransport;
import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.ice.stun.TransportProtocol;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * What the commands that talk to a STUN or TURN server share ({@code stun}, {@code probe}): the transaction timers
 * of RFC 8489 §6.2.1 as options (and {@code --verbose}), opening the client, a failure as one line, and the layout
 * of their reports.
 */
final class ClientOptions {
    private static final String LABEL_FORMAT = "%-16s%s%n";

    @Mixin
    VerboseOption verbose;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "39.5s", converter = PositiveDuration.class,
            description = "How long a request waits for its response, retransmissions included: 39.5s as RFC 8489 "
                    + "has it; shorter for a quick check. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Option(names = "--rto", paramLabel = "DURATION", defaultValue = "500ms", converter = PositiveDuration.class,
            description = "Over UDP, the wait before the first retransmission; it doubles after each (RFC 8489). "
                    + "Default: ${DEFAULT-VALUE}.")
    Duration rto;

    TransactionTimers timers() {
        return TransactionTimers.RFC_8489.withRto(rto).withTimeout(timeout);
    }

    /**
     * A client of the server {@code uri} names, over its transport; a TCP connection must be made within the timeout.
     *
     * @throws CommandFailure when the host is unknown or the server cannot be reached
     */
    StunClient connect(ServerUri uri) {
        InetSocketAddress address;
        try {
            address = uri.resolve();
        } catch (UnknownHostException e) {
            throw new CommandFailure("unknown host " + uri.host());
        }
        try {
            return connect(uri.transport(), address);
        } catch (IOException e) {
            throw failure(uri, e);
        }
    }

    /** A client of the server at {@code address} over {@code transport}: where a 300 Try Alternate sends one. */
    StunClient connect(TransportProtocol transport, InetSocketAddress address) throws IOException {
        return new StunClient(StunTransport.open(transport, address, timeout), timers());
    }

    /**
     * A failure talking to the server as one line: a timeout and an error response say it all themselves, anything
     * else gets the server named, e.g. "tcp 127.0.0.1:3478: Connection refused".
     */
    static CommandFailure failure(ServerUri uri, IOException e) {
        if (e instanceof StunTimeoutException || e instanceof ErrorResponseException) {
            return new CommandFailure(e.getMessage());
        }
        if (e instanceof PortUnreachableException) {
            // The JDK gives no message: an ICMP port unreachable answered the request.
            return new CommandFailure(describe(uri) + ": port unreachable");
        }
        return CommandFailure.because(describe(uri), e);
    }

    /** The server as given, before it is looked up: "udp 192.0.2.1:3478", "tcp [2001:db8::1]:3478". */
    private static String describe(ServerUri uri) {
        String host = uri.host().indexOf(':') >= 0 ? '[' + uri.host() + ']' : uri.host();
        return uri.transport() + " " + host + ":" + uri.port();
    }

    /** One line of a report: the label in a column, then the value. */
    static void row(PrintWriter out, String label, String value) {
        out.printf(Locale.ROOT, LABEL_FORMAT, label, value);
    }

    /** A duration in milliseconds with two decimals: "0.42 ms". */
    static String millis(Duration duration) {
        return String.format(Locale.ROOT, "%.2f ms", duration.toNanos() / 1e6);
    }

    /** A duration as a number and a unit: 500us, 20ms, 1.5s, 2m; zero allowed. At most a day. */
    static class AnyDuration implements ITypeConverter<Duration> {
        private static final Pattern FORM = Pattern.compile("([0-9]{1,9}(?:\\.[0-9]{1,9})?)(us|ms|s|m)");
        private static final Duration MAX = Duration.ofDays(1);

        @Override
        public Duration convert(String value) {
            Matcher matcher = FORM.matcher(value);
            Duration duration = matcher.matches() ? of(new BigDecimal(matcher.group(1)), matcher.group(2)) : null;
            if (duration == null || duration.compareTo(MAX) > 0 || !allows(duration)) {
                throw new TypeConversionException("expected " + expected() + " such as 20ms, 1.5s or 2m, at most 1 "
                        + "day; got '" + value + "'");
            }
            return duration;
        }

        boolean allows(Duration duration) {
            return true;
        }

        String expected() {
            return "a duration";
        }

        private static Duration of(BigDecimal amount, String unit) {
            long nanosPerUnit = switch (unit) {
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                default -> 60_000_000_000L;
            };
            return Duration.ofNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
        }
    }

    /** As {@link AnyDuration}, more than zero. */
    static final class PositiveDuration extends AnyDuration {
        @Override
        boolean allows(Duration duration) {
            return !duration.isZero();
        }

        @Override
        String expected() {
            return "a duration above zero";
        }
    }
}
