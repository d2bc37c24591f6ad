package io.turnkit.server.protocol;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.turnkit.server.link.ClientLink;
import io.turnkit.server.relay.RelayAllocation;
import io.turnkit.store.TransportProtocol;

/**
 * A UDP client link without a socket: it keeps the frames it is asked to send, so a test reads the responses,
 * and holds at most one allocation. No event loop: what needs one (binding a relay socket) is not its to test.
 */
final class RecordingLink implements ClientLink {
    static final InetSocketAddress LOCAL = new InetSocketAddress(InetAddress.getLoopbackAddress(), 3478);

    private final InetSocketAddress local;
    private final List<ByteBuf> sent = new ArrayList<>();
    private final List<InetSocketAddress> destinations = new ArrayList<>();
    private RelayAllocation allocation;
    int relayed;

    RecordingLink() {
        this(LOCAL);
    }

    /** A link on {@code local}: one of a server's several listeners. */
    RecordingLink(InetSocketAddress local) {
        this.local = local;
    }

    @Override
    public TransportProtocol transport() {
        return TransportProtocol.UDP;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public EventLoop eventLoop() {
        throw new UnsupportedOperationException("a recording link has no event loop");
    }

    @Override
    public RelayAllocation allocation(InetSocketAddress client) {
        return allocation;
    }

    @Override
    public void add(RelayAllocation added) {
        allocation = added;
    }

    @Override
    public void remove(RelayAllocation removed) {
        if (allocation == removed) {
            allocation = null;
        }
    }

    @Override
    public void write(ByteBuf frame, InetSocketAddress client) {
        sent.add(frame);
        destinations.add(client);
    }

    @Override
    public void flush() {
    }

    @Override
    public void relay(RelayAllocation to, ByteBuf payload, InetSocketAddress peer) {
        relayed++;
        payload.release();
    }

    /** The frames sent since the last call, which the caller now owns. */
    List<ByteBuf> takeSent() {
        List<ByteBuf> taken = new ArrayList<>(sent);
        sent.clear();
        destinations.clear();
        return taken;
    }

    /** Where the frames not taken yet go, in order. */
    List<InetSocketAddress> destinations() {
        return List.copyOf(destinations);
    }
}
