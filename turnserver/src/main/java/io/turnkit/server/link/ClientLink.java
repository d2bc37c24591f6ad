package io.turnkit.server.link;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.turnkit.server.relay.Relay;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.server.transport.ChannelDataHeadroom;
import io.turnkit.store.TransportProtocol;

/**
 * The server side of a client's transport: a UDP listening socket shared by many 5-tuples, or one TCP
 * connection that is its own 5-tuple (RFC 8656 §2). It owns the allocations reached through it and is
 * used only from its event loop.
 */
public interface ClientLink {
    TransportProtocol transport();

    InetSocketAddress localAddress();

    EventLoop eventLoop();

    /** The allocation of the 5-tuple (client, {@link #localAddress()}, {@link #transport()}), or null. */
    RelayAllocation allocation(InetSocketAddress client);

    void add(RelayAllocation allocation);

    void remove(RelayAllocation allocation);

    /** Queues a frame (STUN message or ChannelData) to the client; the caller flushes. */
    void write(ByteBuf frame, InetSocketAddress client);

    /**
     * Sends what was queued, soon: at the end of the link's read batch, or once the event loop has handled
     * the sockets that were ready, so that frames queued close together leave together.
     */
    void flush();

    /**
     * A DTLS datagram from {@code client} (RFC 7983 §7: first byte 20 to 63), taken by the links of UDP listeners.
     *
     * @return false where DTLS does not belong (over TCP, inside a DTLS session), for the caller to count
     */
    default boolean dtls(ByteBuf datagram, InetSocketAddress client) {
        return false;
    }

    /**
     * Queues a datagram to a peer on a relay socket of one of its allocations, the one of the peer's family; the
     * link flushes at the end of its read batch.
     */
    void relay(Relay relay, ByteBuf payload, InetSocketAddress peer);

    /**
     * Whether this link takes ChannelData frames whose header was written in front of the data in a relay
     * socket's receive buffer ({@link ChannelDataHeadroom}) of {@code bufferBytes}: asked once per buffer,
     * which such frames hold until the link sends them. A stream link says no: a client that reads slowly
     * would keep a receive buffer per queued frame.
     */
    default boolean admitFramesInPlace(int bufferBytes) {
        return false;
    }

    /** ChannelData over a stream is padded to a multiple of 4 (RFC 8656 §12.5). */
    default boolean isStream() {
        return transport() != TransportProtocol.UDP;
    }
}
