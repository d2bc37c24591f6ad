package io.turnkit.server;

import java.util.concurrent.atomic.LongAdder;

/** One server's counters. Incrementing allocates nothing, so the packet path may count freely. */
public final class ServerCounters {
    private final LongAdder[] counts = new LongAdder[ServerCounter.values().length];

    public ServerCounters() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    public void increment(ServerCounter counter) {
        counts[counter.ordinal()].increment();
    }

    public long get(ServerCounter counter) {
        return counts[counter.ordinal()].sum();
    }
}
