package io.turnkit.server.metrics;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * One server's counters. Each thread counts into its own array (one writer each, so an increment is a plain
 * read and an ordered write: no CAS, no cache line shared between event loops); a read sums the arrays.
 * Incrementing allocates nothing, so the packet path may count freely.
 */
public final class ServerCounters {
    private static final int COUNTERS = ServerCounter.values().length;

    private final PerThread<AtomicLongArray> counts = new PerThread<>(() -> new AtomicLongArray(COUNTERS));

    public void increment(ServerCounter counter) {
        add(counter, 1);
    }

    public void add(ServerCounter counter, long amount) {
        AtomicLongArray mine = counts.get();
        int i = counter.ordinal();
        mine.lazySet(i, mine.get(i) + amount);
    }

    public long get(ServerCounter counter) {
        long sum = 0;
        for (AtomicLongArray threads : counts.all()) {
            sum += threads.get(counter.ordinal());
        }
        return sum;
    }
}
