package io.turnkit.server.metrics;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.netty.util.concurrent.FastThreadLocal;

/**
 * One value per thread that uses it (each event loop writes only its own, with no sharing to pay for) and
 * the list of them all, for whoever adds them up.
 *
 * @param <T> the per-thread value
 */
public final class PerThread<T> {
    private final List<T> all = new CopyOnWriteArrayList<>();
    private final FastThreadLocal<T> mine;

    public PerThread(Supplier<T> factory) {
        mine = new FastThreadLocal<>() {
            @Override
            protected T initialValue() {
                T value = factory.get();
                all.add(value);
                return value;
            }
        };
    }

    /** This thread's value, made on first use. */
    public T get() {
        return mine.get();
    }

    /** Every thread's value so far. */
    public List<T> all() {
        return all;
    }
}
