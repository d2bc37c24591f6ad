package io.turnkit.perf.load;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;

/**
 * A UDP echo peer: every datagram goes back, unchanged, to the address it came from (the relayed
 * address of an allocation), flushed once per batch of reads. Keeps no state, so one instance serves
 * every peer socket.
 */
@Sharable
final class EchoPeer extends ChannelInboundHandlerAdapter {
    static final EchoPeer INSTANCE = new EchoPeer();

    private EchoPeer() {
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            // The received buffer is handed on to the write, which releases it.
            ctx.write(new DatagramPacket(packet.content(), packet.sender()), ctx.voidPromise());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    /** A write that failed (its void promise reports here) is a lost echo, which the counts show: no log per packet. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Dropped on purpose.
    }
}
