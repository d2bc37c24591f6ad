package io.turnkit.server;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;

/** What a {@link UdpSocket} hands up, on its event loop. */
interface DatagramReceiver {
    /**
     * A datagram from {@code sender}: the readable bytes of {@code data}, which lie in a receive buffer laid out
     * by {@link ChannelDataHeadroom} ({@link BufferOrigin#of} finds it). The socket keeps ownership: {@code data}
     * is valid during the call only, so what outlives it must be retained (a retained slice, say).
     */
    void datagram(ByteBuf data, InetSocketAddress sender);

    /** The socket read what was ready: the end of a read batch, where what it queued is flushed. */
    void readComplete();
}
