package io.turnkit.perf.load;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * One UDP socket of the load generator, connected to the server: one 5-tuple, so one allocation at most
 * (RFC 8656 §2.2). Datagrams go to its {@link ProbeFlow} first, when it has one, then to its
 * {@link TurnClient}; anything neither expects is dropped.
 */
final class ClientSocket extends ChannelInboundHandlerAdapter {
    private final int index;
    private final LoopMeter meter;
    private TurnClient control;
    private Channel channel;
    private ProbeFlow flow;

    ClientSocket(int index, LoopMeter meter) {
        this.index = index;
        this.meter = meter;
    }

    /** Called once the channel is connected, before any request. */
    void attach(Channel connected, Credentials credentials) {
        channel = connected;
        control = new TurnClient(connected, credentials);
    }

    /** The socket's place among those of the run: it picks the peer, so that peers share the load evenly. */
    int index() {
        return index;
    }

    Channel channel() {
        return channel;
    }

    EventLoop eventLoop() {
        return channel.eventLoop();
    }

    /** The meter of this socket's event loop; touched only on that loop. */
    LoopMeter meter() {
        return meter;
    }

    TurnClient control() {
        return control;
    }

    /** On the event loop: from now on, probe echoes go to {@code probes}. */
    void startProbes(ProbeFlow probes) {
        flow = probes;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf datagram = msg instanceof DatagramPacket packet ? packet.content() : (ByteBuf) msg;
        try {
            if (flow == null || !flow.onDatagram(datagram)) {
                control.onDatagram(datagram);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flow != null) {
            flow.flush();
        }
    }

    /**
     * A connected UDP socket reports an ICMP error for an earlier datagram (nobody at the server's port)
     * as an exception on a later read, and a failed write reports here through its void promise. Either
     * is a lost packet, which the counts already show: no log per packet.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Dropped on purpose.
    }
}
