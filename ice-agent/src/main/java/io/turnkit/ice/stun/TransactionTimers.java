package io.turnkit.ice.stun;

import java.time.Duration;

/**
 * When a client retransmits a request and when it gives up (RFC 8489 §6.2.1, §6.2.2). Over UDP the request is sent
 * at 0, RTO, 3 RTO, 7 RTO… (the interval doubling each time) until {@code maxRequests} are out; the transaction
 * fails at {@code timeout}. Over TCP it is sent once and fails at {@code timeout}.
 *
 * @param rto         the initial retransmission timeout, RFC 8489's RTO
 * @param maxRequests how many times a request is sent over UDP at most, RFC 8489's Rc
 * @param timeout     how long a transaction lasts, from the first request
 */
public record TransactionTimers(Duration rto, int maxRequests, Duration timeout) {
    /**
     * RFC 8489's defaults: RTO 500 ms, Rc 7, and a last wait of Rm = 16 RTOs after the seventh request, so a UDP
     * transaction fails after 0.5 × (1 + 2 + … + 32) + 0.5 × 16 = 39.5 s; §6.2.2's Ti over TCP is 39.5 s too.
     */
    public static final TransactionTimers RFC_8489 =
            new TransactionTimers(Duration.ofMillis(500), 7, Duration.ofMillis(39_500));

    public TransactionTimers {
        if (rto.isNegative() || rto.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("RTO and timeout must be positive: " + rto + ", " + timeout);
        }
        if (maxRequests < 1) {
            throw new IllegalArgumentException("at least one request is sent: " + maxRequests);
        }
    }

    /**
     * Timers from RFC 8489 §6.2.1's three parameters: the request goes out {@code rc} times, and the transaction
     * fails {@code rm} RTOs after the last one.
     */
    public static TransactionTimers of(Duration rto, int rc, int rm) {
        if (rc < 1 || rm < 1) {
            throw new IllegalArgumentException("Rc and Rm must be at least 1: " + rc + ", " + rm);
        }
        long rtos = (1L << Math.min(rc - 1, 40)) - 1 + rm;
        return new TransactionTimers(rto, rc, rto.multipliedBy(rtos));
    }

    /** These timers with another transaction timeout. */
    public TransactionTimers withTimeout(Duration newTimeout) {
        return new TransactionTimers(rto, maxRequests, newTimeout);
    }

    /** These timers with another initial RTO. */
    public TransactionTimers withRto(Duration newRto) {
        return new TransactionTimers(newRto, maxRequests, timeout);
    }

    /** Nanoseconds from the first request to the next retransmission once {@code sent} requests are out. */
    public long retransmissionNanos(int sent) {
        // RFC 8489 §6.2.1: the interval doubles after each retransmission: RTO × (2^sent − 1) from the start.
        return rto.toNanos() * ((1L << Math.min(sent, 40)) - 1);
    }
}
