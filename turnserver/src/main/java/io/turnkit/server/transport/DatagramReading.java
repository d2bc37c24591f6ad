package io.turnkit.server.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;

/**
 * What a Netty datagram channel reads, handed to a {@link DatagramReceiver}: each datagram (released after
 * the call, as the receiver expects), the end of each read batch, and the channel's start and end.
 */
public final class DatagramReading extends SimpleChannelInboundHandler<DatagramPacket> {
    private final DatagramReceiver receiver;
    private final ServerCounters counters;

    public DatagramReading(DatagramReceiver receiver, ServerCounters counters) {
        this.receiver = receiver;
        this.counters = counters;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        receiver.bound(new NettyUdpSocket(ctx.channel()));
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        receiver.closed();
        ctx.fireChannelInactive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        receiver.datagram(packet.content(), packet.sender());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        receiver.readComplete();
        ctx.fireChannelReadComplete();
    }

    /**
     * An ICMP error for an earlier send (PortUnreachableException): the socket goes on serving everyone else.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        counters.increment(ServerCounter.UNREACHABLE);
    }
}
