package io.turnkit.perf.load;

/**
 * A log-linear histogram of nanosecond values, for round-trip times: values below 32 are counted
 * exactly, larger ones in buckets 1/32 of their power of two wide (≈ 3 % precision), so the whole
 * range of a {@code long} fits in 1,888 counters and {@link #record} is a few shifts and an increment.
 *
 * <pre>
 * value v, e = floor(log2 v) ≥ 5, m = v &gt;&gt;&gt; (e - 5) in [32, 64)
 * bucket = (e - 4) * 32 + (m - 32)        v &lt; 32: bucket = v
 * </pre>
 *
 * <p>Not thread-safe: one per event loop, {@link #add added} together at the end.
 */
public final class LatencyHistogram {
    private static final int SUB_BUCKET_BITS = 5;
    private static final int SUB_BUCKETS = 1 << SUB_BUCKET_BITS;
    private static final int BUCKETS = (Long.SIZE - SUB_BUCKET_BITS) * SUB_BUCKETS;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    /** Counts one value; a negative one (a clock step) counts as 0. */
    public void record(long nanos) {
        long value = Math.max(0, nanos);
        counts[bucketOf(value)]++;
        total++;
        max = Math.max(max, value);
    }

    /** Adds {@code other}'s counts to this one. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    /** The largest value recorded, exactly; 0 when empty. */
    public long max() {
        return max;
    }

    /**
     * The value at or below which a {@code quantile} (0 &lt; q ≤ 1) of the recorded values lie: the
     * upper edge of the bucket holding the {@code ceil(q × count)}-th smallest value, capped at
     * {@link #max()}, so never less than the exact answer and at most ≈ 3 % above it. 0 when empty.
     */
    public long valueAt(double quantile) {
        if (!(quantile > 0 && quantile <= 1)) {
            throw new IllegalArgumentException("a quantile is in (0, 1]: " + quantile);
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(quantile * total));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(max, highestValueIn(i));
            }
        }
        return max;
    }

    static int bucketOf(long value) {
        if (value < SUB_BUCKETS) {
            return (int) value;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(value);
        int mantissa = (int) (value >>> (exponent - SUB_BUCKET_BITS));
        return (exponent - SUB_BUCKET_BITS + 1) * SUB_BUCKETS + mantissa - SUB_BUCKETS;
    }

    static long highestValueIn(int bucket) {
        if (bucket < SUB_BUCKETS) {
            return bucket;
        }
        int shift = bucket / SUB_BUCKETS - 1;
        long mantissa = bucket % SUB_BUCKETS + SUB_BUCKETS;
        long next = (mantissa + 1) << shift;
        // The last bucket's upper edge is 2^63, one past Long.MAX_VALUE.
        return next < 0 ? Long.MAX_VALUE : next - 1;
    }
}
