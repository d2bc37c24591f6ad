package io.turnkit.server.metrics;

import java.util.List;

import io.turnkit.stun.EnumCounters;

/**
 * The one counter mechanism of a server: the counters an enum declares (with their stable names), each thread
 * counting into its own {@link EnumCounters} (one writer each, so an increment is a plain read and an ordered
 * write: no CAS, no cache line shared between event loops, no allocation), a read summing the threads. A
 * metrics registry binds each constant to a meter that reads {@link #get(Enum)}.
 *
 * @param <E> the enum of the counters
 */
public class Counters<E extends Enum<E>> {
    private final Class<E> type;
    private final PerThread<EnumCounters<E>> counts;

    public Counters(Class<E> type) {
        this.type = type;
        this.counts = new PerThread<>(() -> new EnumCounters<>(type));
    }

    /** The enum whose constants are counted. */
    public final Class<E> type() {
        return type;
    }

    public final void increment(E counter) {
        counts.get().increment(counter);
    }

    public final void add(E counter, long amount) {
        counts.get().add(counter, amount);
    }

    /** The calling thread's own counters, to hand to code that counts without knowing the threads (the codec). */
    public final EnumCounters<E> mine() {
        return counts.get();
    }

    /** The sum over every thread so far. */
    public final long get(E counter) {
        long sum = 0;
        List<EnumCounters<E>> threads = counts.all();
        for (int i = 0; i < threads.size(); i++) {
            sum += threads.get(i).get(counter);
        }
        return sum;
    }
}
