package io.turnkit.server.transport.dtls;

import io.netty.buffer.ByteBuf;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;

/**
 * A DTLS handshake under way with one client, as its listening socket's event loop sees it: where that client's
 * datagrams go until the handshake is over. The handshake itself runs on a thread of {@link DtlsHandshakes}.
 */
public final class DtlsHandshake {
    private final DatagramQueue queue;
    private final ServerCounters counters;

    DtlsHandshake(DatagramQueue queue, ServerCounters counters) {
        this.queue = queue;
        this.counters = counters;
    }

    /** A datagram from the client for the handshake; dropped and counted when the client sent too many at once. */
    public void offer(ByteBuf datagram) {
        if (!queue.offer(datagram)) {
            counters.increment(ServerCounter.DTLS_DROPPED);
        }
    }
}
