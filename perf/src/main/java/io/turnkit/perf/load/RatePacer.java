package io.turnkit.perf.load;

/**
 * Spreads a fixed packet rate over ticks of an event loop's timer: each tick sends what has come due
 * since the start. A loop that falls more than {@link #MAX_LAG_NANOS} behind (a GC pause, a busy CPU)
 * skips the backlog rather than bursting it out, so the offered load stays a rate, and the report's
 * "sent" figure tells the rate actually offered.
 */
final class RatePacer {
    static final long MAX_LAG_NANOS = 10_000_000;

    private final double perNanosecond;
    private final long origin;
    private final long maxBurst;
    private long issued;

    RatePacer(double packetsPerSecond, long originNanos) {
        if (!(packetsPerSecond > 0)) {
            throw new IllegalArgumentException("a rate is positive: " + packetsPerSecond);
        }
        this.perNanosecond = packetsPerSecond / 1e9;
        this.origin = originNanos;
        this.maxBurst = Math.max(1, (long) (perNanosecond * MAX_LAG_NANOS));
    }

    /** How many packets to send at {@code nowNanos}: what came due since the last call, at most one burst. */
    long due(long nowNanos) {
        long target = (long) ((nowNanos - origin) * perNanosecond);
        long owed = target - issued;
        if (owed <= 0) {
            return 0;
        }
        // Whatever is owed beyond one burst is forgiven, not carried to the next tick.
        issued = target;
        return Math.min(owed, maxBurst);
    }
}
