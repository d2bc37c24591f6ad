package io.turnkit.server.relay;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;

/**
 * One direction of a TCP relay (RFC 6062 §5.4): what one connection reads is written as it is to the other. With
 * back-pressure: while the other connection cannot take more (its write buffer is over the high water mark), this
 * one stops reading, and TCP flow control holds the sender back; it reads again once the other drains. When
 * either connection closes, the other is closed once what it was given is written (RFC 6062 §5.5). Both
 * connections are on the allocation's event loop, so nothing here changes threads.
 */
final class StreamSplice extends ChannelInboundHandlerAdapter {
    private final Channel other;
    private final RelayAllocation allocation;
    /** Whether this connection is the client's, so what it reads goes to the peer. */
    private final boolean toPeer;
    private final ServerCounters counters;

    StreamSplice(Channel other, RelayAllocation allocation, boolean toPeer, ServerCounters counters) {
        this.other = other;
        this.allocation = allocation;
        this.toPeer = toPeer;
        this.counters = counters;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        relay((ByteBuf) message);
    }

    /** Writes {@code bytes} (taking ownership) to the other connection, counted; the caller flushes. */
    void relay(ByteBuf bytes) {
        int length = bytes.readableBytes();
        allocation.countRelayed(toPeer, length);
        counters.add(toPeer ? ServerCounter.TCP_BYTES_TO_PEER : ServerCounter.TCP_BYTES_TO_CLIENT, length);
        other.write(bytes, other.voidPromise());
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        other.flush();
        if (!other.isWritable()) {
            ctx.channel().config().setAutoRead(false);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // This connection drained below the low water mark: the other may read into it again.
        if (ctx.channel().isWritable()) {
            other.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeAfterWrites(other);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A reset or a broken pipe ends this pair of connections only.
        ctx.close();
    }

    /** Closes {@code channel} once what was written to it has left. */
    static void closeAfterWrites(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
