package io.turnkit.ice.agent;

import java.util.random.RandomGenerator;

import io.turnkit.ice.stun.TransactionTimers;
import io.turnkit.stun.StunMessage;

/**
 * One client transaction's id and timers (RFC 8489 §6.2.1): sent at 0, RTO, 3 RTO, 7 RTO… up to Rc times, failed
 * Rm RTOs after the last. Reused: {@link #start} begins the next transaction in the same object.
 */
final class StunTransaction {
    /** What {@link #poll} says is due. */
    enum Due { NOTHING, RETRANSMIT, TIMEOUT }

    private long idHigh;
    private int idLow;
    private boolean open;
    private long startNanos;
    private int sent;
    private double rtoScale;
    private TransactionTimers timers;

    /**
     * Opens a transaction with a fresh id whose first request goes out now; {@code rtoNanos} may exceed the timers'
     * RTO (RFC 8445 §14.3 stretches it with the number of checks), the timeout then stretches in proportion.
     */
    void start(RandomGenerator random, TransactionTimers timers, long rtoNanos, long nowNanos) {
        this.timers = timers;
        idHigh = random.nextLong();
        idLow = random.nextInt();
        open = true;
        startNanos = nowNanos;
        sent = 1;
        rtoScale = (double) rtoNanos / timers.rto().toNanos();
    }

    /** Opens a transaction sent once, whose response is welcome until the next {@link #start} (a consent check). */
    void startOnce(RandomGenerator random, long nowNanos) {
        idHigh = random.nextLong();
        idLow = random.nextInt();
        open = true;
        startNanos = nowNanos;
        sent = 1;
        timers = null;
    }

    boolean isOpen() {
        return open;
    }

    void close() {
        open = false;
    }

    long idHigh() {
        return idHigh;
    }

    int idLow() {
        return idLow;
    }

    long startNanos() {
        return startNanos;
    }

    /** Whether {@code m} answers this open transaction. */
    boolean matches(StunMessage m) {
        return open && m.hasTransactionId(idHigh, idLow);
    }

    /** When the next retransmission or the timeout is due; {@link Long#MAX_VALUE} when none. */
    long deadline() {
        if (!open || timers == null) {
            return Long.MAX_VALUE;
        }
        if (sent < timers.maxRequests()) {
            return startNanos + (long) (timers.retransmissionNanos(sent) * rtoScale);
        }
        return startNanos + (long) (timers.timeout().toNanos() * rtoScale);
    }

    /** Advances the timers to {@code nowNanos}: a retransmission is counted as sent, a timeout closes. */
    Due poll(long nowNanos) {
        if (nowNanos < deadline()) {
            return Due.NOTHING;
        }
        if (sent < timers.maxRequests()) {
            sent++;
            return Due.RETRANSMIT;
        }
        open = false;
        return Due.TIMEOUT;
    }
}
