package io.turnkit.perf.load;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import io.turnkit.server.DatagramBurst;
import io.turnkit.server.NettyUdpSocket;
import io.turnkit.server.ServerCounter;
import io.turnkit.server.ServerCounters;

/**
 * A UDP echo peer: every datagram goes back, unchanged, to the address it came from (the relayed
 * address of an allocation), flushed once per batch of reads. Echoes of one size to one relayed address
 * in a row leave in one UDP GSO send, as the server's own relay sockets send them ({@link DatagramBurst}),
 * so that the generator spends less of the machine. One instance per peer socket.
 */
final class EchoPeer extends ChannelInboundHandlerAdapter {
    private final boolean segmentation;
    private DatagramBurst echoes;

    /** @param segmentation whether the kernel takes UDP_SEGMENT sends */
    EchoPeer(boolean segmentation) {
        this.segmentation = segmentation;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Nobody reads the burst counters of an echo peer.
        echoes = new DatagramBurst(new NettyUdpSocket(ctx.channel()), segmentation, new ServerCounters(), ServerCounter.GSO_BURSTS_TO_PEER);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        echoes.discard();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket packet) {
            // The received buffer is handed on to the burst, which releases it.
            echoes.add(packet.content(), packet.sender());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        echoes.send();
        ctx.flush();
    }

    /** A write that failed (its void promise reports here) is a lost echo, which the counts show: no log per packet. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // Dropped on purpose.
    }
}
