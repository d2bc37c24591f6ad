package io.turnkit.server;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DatagramPacket;
import io.turnkit.store.AllocationTable;
import io.turnkit.store.TransportProtocol;

/**
 * One UDP listening socket: every client 5-tuple that reaches it, and the allocations they own, in a table
 * that only this socket's event loop touches.
 */
final class UdpClientLink extends ClientLinkHandler<DatagramPacket> {
    /**
     * What frames in place may hold between two sends: the receive buffers of one read batch (4 MiB: 8 of epoll's,
     * 64 of NIO's).
     */
    static final int IN_PLACE_BYTES = Transports.DATAGRAMS_PER_BATCH * (ChannelDataHeadroom.HEADROOM + Transports.MAX_DATAGRAM);
    private final AllocationTable<RelayAllocation> allocations = new AllocationTable<>();
    /** Frames to clients: a run of frames to one client, such as a peer's burst, leaves in one GSO send. */
    private DatagramBurst toClient;
    /** The bytes of relay receive buffers that frames taken in place since the last send hold. */
    private int inPlaceBytes;
    /** Whether the socket kept frames after the last send (the kernel's send buffer was full). */
    private boolean backlogged;

    UdpClientLink(ServerContext server) {
        super(server);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startServing(ctx);
        toClient = new DatagramBurst(channel, server.udpSegmentation, server.counters, ServerCounter.GSO_BURSTS_TO_CLIENT);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        stopServing();
        toClient.discard();
        allocations.forEach(a -> server.release(a, ServerCounter.ALLOCATIONS_DELETED));
        ctx.fireChannelInactive();
    }

    @Override
    void expire() {
        allocations.expire(System.nanoTime(), a -> server.release(a, ServerCounter.ALLOCATIONS_EXPIRED));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        protocol.onFrame(packet.content(), packet.sender());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // An ICMP error for an earlier send to a client: nothing to do, the socket serves everyone else.
        server.counters.increment(ServerCounter.UNREACHABLE);
    }

    @Override
    public TransportProtocol transport() {
        return TransportProtocol.UDP;
    }

    @Override
    public RelayAllocation allocation(InetSocketAddress client) {
        return allocations.get(TransportProtocol.UDP, client, localAddress());
    }

    @Override
    public void add(RelayAllocation allocation) {
        allocations.add(allocation);
    }

    @Override
    public void remove(RelayAllocation allocation) {
        allocations.remove(allocation);
    }

    @Override
    public void write(ByteBuf frame, InetSocketAddress client) {
        toClient.add(frame, client);
    }

    /**
     * Frames in place hold at most {@link #IN_PLACE_BYTES} of receive buffers between two sends, when many
     * relay sockets are read in one event-loop round, and none while the socket has a backlog, which could
     * otherwise keep a buffer per frame.
     */
    @Override
    public boolean admitFramesInPlace(int bufferBytes) {
        if (backlogged || bufferBytes > IN_PLACE_BYTES - inPlaceBytes) {
            return false;
        }
        inPlaceBytes += bufferBytes;
        return true;
    }

    @Override
    void flushNow() {
        toClient.send();
        super.flushNow();
        inPlaceBytes = 0;
        ChannelOutboundBuffer unsent = channel.unsafe().outboundBuffer();
        backlogged = unsent != null && !unsent.isEmpty();
    }
}
