package io.turnkit.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

class CounterMetersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ServerCounters counters = new ServerCounters();

    @Test
    void shouldSumEveryThreadsCountsWhenRead() throws Exception {
        CounterMeters.counters(registry, ServerCounter.class, counters::get);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            CompletableFuture.allOf(
                    CompletableFuture.runAsync(() -> counters.add(ServerCounter.CHANNEL_DATA_BYTES_TO_PEER, 100), threads),
                    CompletableFuture.runAsync(() -> counters.add(ServerCounter.CHANNEL_DATA_BYTES_TO_PEER, 23), threads))
                    .get(10, TimeUnit.SECONDS);
        } finally {
            threads.shutdownNow();
        }
        counters.increment(ServerCounter.SEND_TO_PEER);

        assertEquals(123, registry.get("turnkit.relayed.bytes").tags("direction", "to_peer", "path", "channel_data")
                .functionCounter().count());
        assertEquals(1, registry.get("turnkit.relayed.packets").tags("direction", "to_peer", "path", "send_data")
                .functionCounter().count());
        assertEquals(0, registry.get("turnkit.relayed.packets").tags("direction", "to_client", "path", "send_data")
                .functionCounter().count());
    }

    @Test
    void shouldGiveEachConstantItsOwnMeter() {
        CounterMeters.counters(registry, ServerCounter.class, counters::get);

        assertEquals(ServerCounter.values().length, registry.getMeters().size());
    }

    @Test
    void shouldCountErrorResponsesByTheirCode() {
        CounterMeters.counters(registry, ServerCounter.class, counters::get);
        counters.increment(ServerCounter.errorResponse(486));
        counters.increment(ServerCounter.errorResponse(486));
        counters.increment(ServerCounter.errorResponse(599));

        assertEquals(2, registry.get("turnkit.error.responses").tags("code", "486").functionCounter().count());
        assertEquals(1, registry.get("turnkit.error.responses").tags("code", "other").functionCounter().count());
    }

    @Test
    void shouldReadGaugesAsTheyAreNow() {
        long[] level = {3};
        CounterMeters.gauges(registry, ServerCounter.class, c -> c == ServerCounter.HAIRPINNED ? level[0] : 0);
        level[0] = 7;

        assertEquals(7, registry.get("turnkit.relayed.hairpinned").gauge().value());
    }
}
