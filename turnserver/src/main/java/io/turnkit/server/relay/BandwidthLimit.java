package io.turnkit.server.relay;

/**
 * coturn's --max-bps (bytes per second) for one direction of one allocation: a token bucket refilled at the
 * configured rate and holding at most one second's worth. Packets over the limit are dropped, as a congested
 * link would drop them. Owned by the allocation's event loop; allocates nothing.
 */
final class BandwidthLimit {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private long tokens;
    private long refilledAt;

    BandwidthLimit(long bytesPerSecond, long nowNanos) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
        this.refilledAt = nowNanos;
    }

    /** True when {@code bytes} may pass now; 0 bytes per second means no limit. */
    boolean admit(int bytes, long nowNanos) {
        if (bytesPerSecond == 0) {
            return true;
        }
        long elapsed = nowNanos - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(bytesPerSecond, tokens + Math.min(elapsed, NANOS_PER_SECOND) * bytesPerSecond
                    / NANOS_PER_SECOND);
            refilledAt = nowNanos;
        }
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
