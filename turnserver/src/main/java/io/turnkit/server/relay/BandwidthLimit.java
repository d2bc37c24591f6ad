package io.turnkit.server.relay;

/**
 * coturn's --max-bps (bytes per second) for one direction of one allocation: a token bucket refilled at the
 * configured rate and holding at most one second's worth. Packets over the limit are dropped, as a congested
 * link would drop them. It also totals what it let through, for the line logged when the allocation closes.
 * Owned by the allocation's event loop; allocates nothing.
 */
final class BandwidthLimit {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private long tokens;
    private long refilledAt;
    private long bytes;
    private long packets;

    BandwidthLimit(long bytesPerSecond, long nowNanos) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
        this.refilledAt = nowNanos;
    }

    /** True when {@code length} bytes may pass now, which then count as passed; 0 bytes per second means no limit. */
    boolean admit(int length, long nowNanos) {
        if (bytesPerSecond != 0 && !takeTokens(length, nowNanos)) {
            return false;
        }
        count(length);
        return true;
    }

    /** Counts {@code length} bytes as passed, whatever the limit. */
    void count(int length) {
        bytes += length;
        packets++;
    }

    private boolean takeTokens(int length, long nowNanos) {
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(bytesPerSecond, tokens + Math.min(elapsed, NANOS_PER_SECOND) * bytesPerSecond
                    / NANOS_PER_SECOND);
            refilledAt = nowNanos;
        }
        if (tokens < length) {
            return false;
        }
        tokens -= length;
        return true;
    }

    /** The bytes let through so far. */
    long bytes() {
        return bytes;
    }

    /** The packets let through so far. */
    long packets() {
        return packets;
    }
}
