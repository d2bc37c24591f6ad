package io.turnkit.server.metrics;

/** One server's {@link ServerCounter}s. */
public final class ServerCounters extends Counters<ServerCounter> {
    public ServerCounters() {
        super(ServerCounter.class);
    }
}
