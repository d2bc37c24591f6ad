package io.turnkit.stun;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * How many datagrams ended in each {@link StunValidation} result. One instance per thread that
 * validates (an event loop): a single writer, so an increment is a plain read and a release store;
 * any thread (a metrics scrape) may read with {@link #get(StunValidation)}.
 */
public final class ValidationCounters {
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
    private static final StunValidation[] RESULTS = StunValidation.values();

    private final long[] counts = new long[RESULTS.length];

    /** Counts one result; call from the owning thread only. */
    public void increment(StunValidation result) {
        int i = result.ordinal();
        COUNTS.setRelease(counts, i, counts[i] + 1);
    }

    /** The count of one result so far; safe from any thread. */
    public long get(StunValidation result) {
        return (long) COUNTS.getAcquire(counts, result.ordinal());
    }

    /** The count of every result so far; safe from any thread. */
    public long total() {
        long total = 0;
        for (StunValidation result : RESULTS) {
            total += get(result);
        }
        return total;
    }
}
