package io.turnkit.stun;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One count for each constant of an enum (the enum declares the counters once, with their stable names), for
 * one writing thread: an increment is a plain read and a release store, no CAS and no allocation, so the
 * packet path may count freely; any thread (a metrics scrape) may read with {@link #get(Enum)}. A server
 * keeps one per event loop and sums them (as {@link StunMessage} does with its {@link StunValidation}
 * results).
 *
 * @param <E> the enum of the counters
 */
public final class EnumCounters<E extends Enum<E>> {
    private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] counts;

    public EnumCounters(Class<E> counters) {
        counts = new long[counters.getEnumConstants().length];
    }

    /** Counts one; call from the owning thread only. */
    public void increment(E counter) {
        add(counter, 1);
    }

    /** Counts {@code amount}; call from the owning thread only. */
    public void add(E counter, long amount) {
        int i = counter.ordinal();
        COUNTS.setRelease(counts, i, counts[i] + amount);
    }

    /** The count of one counter so far; safe from any thread. */
    public long get(E counter) {
        return (long) COUNTS.getAcquire(counts, counter.ordinal());
    }

    /** The sum of every counter so far; safe from any thread. */
    public long total() {
        long total = 0;
        for (int i = 0; i < counts.length; i++) {
            total += (long) COUNTS.getAcquire(counts, i);
        }
        return total;
    }
}
