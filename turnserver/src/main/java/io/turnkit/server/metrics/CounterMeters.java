package io.turnkit.server.metrics;

import java.util.function.ToLongFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Binds the constants of a {@link Metered} enum to meters that read the counts only when scraped, so metrics cost
 * the packet path nothing: each event loop keeps counting into its own {@link Counters}, a scrape sums them.
 */
public final class CounterMeters {
    private CounterMeters() {
    }

    /** One counter meter per constant of {@code type}, reading {@code count}. */
    public static <E extends Enum<E> & Metered> void counters(MeterRegistry registry, Class<E> type,
            ToLongFunction<E> count) {
        for (E counter : type.getEnumConstants()) {
            FunctionCounter.builder(counter.meterName(), counter, c -> count.applyAsLong(c))
                    .tags(counter.tags())
                    .description(counter.description())
                    .register(registry);
        }
    }

    /** One gauge per constant of {@code type}, reading {@code value}: a level that goes up and down. */
    public static <E extends Enum<E> & Metered> void gauges(MeterRegistry registry, Class<E> type,
            ToLongFunction<E> value) {
        for (E gauge : type.getEnumConstants()) {
            Gauge.builder(gauge.meterName(), gauge, g -> value.applyAsLong(g))
                    .tags(gauge.tags())
                    .description(gauge.description())
                    .register(registry);
        }
    }
}
