package io.turnkit.server.transport;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.turnkit.server.metrics.ServerCounters;

/**
 * A UDP socket as the packet path uses it: a client link's listening socket or an allocation's relay socket.
 * Used only from its event loop; what it reads goes to its {@link DatagramReceiver}. Public for the load
 * generator's echo peers, which read and send as the server does: on the same sockets, through
 * {@link DatagramBurst}.
 */
public interface UdpSocket {
    /**
     * A socket bound to {@code local} on {@code loop}, reading into {@code receiver}, on the transport the server
     * uses here ({@link Transports#best()}): turnkit's own where the library is built, else Netty's channels.
     * {@code loop} is of an epoll group where epoll is available, else of a NIO group.
     *
     * @param bufferBytes the kernel's receive and send buffer sizes
     */
    static Future<UdpSocket> bind(EventLoop loop, InetSocketAddress local, int bufferBytes, DatagramReceiver receiver,
            ServerCounters counters) {
        return Transports.best().bindDatagram(loop, local, false, bufferBytes, receiver, counters);
    }

    InetSocketAddress localAddress();

    EventLoop eventLoop();

    /** Queues {@code datagram} (taking ownership of it) to {@code to}; {@link #flush()} sends what was queued. */
    void write(ByteBuf datagram, InetSocketAddress to);

    /**
     * Queues {@code datagrams} (taking ownership), back-to-back datagrams of {@code segmentSize} bytes each but
     * the last, which may be shorter, as one UDP generic segmentation offload send (Linux UDP_SEGMENT). Only
     * where {@link Transports#udpSegmentation()} holds.
     */
    void writeSegments(ByteBuf datagrams, int segmentSize, InetSocketAddress to);

    /** Hands what was queued to the kernel: in one sendmmsg call where the transport has it. */
    void flush();

    /** Whether datagrams queued before the last flush still wait for room in the kernel's send buffer. */
    boolean backlogged();

    /** Closes the socket and drops what it still queued; the future completes once it is closed. */
    Future<?> close();
}
