package io.turnkit.server.transport;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;

/** What a {@link UdpSocket} hands up, on its event loop. Public for the load generator's echo peers. */
public interface DatagramReceiver {
    /** The socket is bound and about to read: called once, before the first datagram. */
    default void bound(UdpSocket socket) {
    }

    /** The socket closed: called once, after the last datagram. */
    default void closed() {
    }

    /**
     * A datagram from {@code sender}: the readable bytes of {@code data}, which lie in a receive buffer laid out
     * by {@link ChannelDataHeadroom} ({@link BufferOrigin#of} finds it). The socket keeps ownership: {@code data}
     * is valid during the call only, so what outlives it must be retained (a retained slice, say).
     */
    void datagram(ByteBuf data, InetSocketAddress sender);

    /** The socket read what was ready: the end of a read batch, where what it queued is flushed. */
    void readComplete();
}
