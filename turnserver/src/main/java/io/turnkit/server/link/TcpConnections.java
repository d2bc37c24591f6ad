package io.turnkit.server.link;

import java.util.concurrent.atomic.AtomicInteger;

/** The TCP connections of one server, counted across its event loops so that there are at most so many. */
public final class TcpConnections {
    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    public TcpConnections(int max) {
        this.max = max;
    }

    /** Counts a new connection in, or says no when there are {@code max} already. */
    boolean tryOpen() {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        return true;
    }

    /** How many connections are open now. */
    public int open() {
        return open.get();
    }

    void close() {
        open.decrementAndGet();
    }
}
