package io.turnkit.ice.probe;

import java.time.Duration;
import java.util.Arrays;

/** Round-trip times of the packets that came back, and their percentiles (nearest rank). Immutable. */
public final class RoundTripTimes {
    private final long[] sortedNanos;

    /** The first {@code count} values of {@code nanos}; the array is not kept. */
    public RoundTripTimes(long[] nanos, int count) {
        sortedNanos = Arrays.copyOf(nanos, count);
        Arrays.sort(sortedNanos);
    }

    public int count() {
        return sortedNanos.length;
    }

    /**
     * The {@code percent}-th percentile by nearest rank: the smallest time that at least that share of the packets
     * beat or matched. Null when no packet came back.
     */
    public Duration percentile(double percent) {
        if (sortedNanos.length == 0) {
            return null;
        }
        int rank = (int) Math.ceil(percent / 100.0 * sortedNanos.length);
        return Duration.ofNanos(sortedNanos[Math.min(sortedNanos.length, Math.max(rank, 1)) - 1]);
    }

    /** The slowest, or null when no packet came back. */
    public Duration max() {
        return percentile(100);
    }
}
