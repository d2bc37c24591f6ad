package io.turnkit.server.link;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.protocol.TurnServices;
import io.turnkit.server.relay.AllocationEnd;
import io.turnkit.server.transport.StreamFrameDecoder;
import io.turnkit.server.transport.proxy.ProxyHeaderReader;
import io.turnkit.store.TransportProtocol;

/**
 * One TCP connection from a client (RFC 8656 §2): the connection is the 5-tuple, so it holds at most one
 * allocation. Guards: a client that stalls mid-frame is closed after one idle period, a connection that
 * never allocates after {@link #IDLE_PERIODS_WITHOUT_ALLOCATION} periods.
 */
public final class TcpClientLink extends FiveTupleLink {
    public static final int IDLE_PERIODS_WITHOUT_ALLOCATION = 6;

    private final TcpConnections connections;
    private final StreamFrameDecoder decoder;
    private Channel channel;
    /** The client's address, known at its first frame (after a PROXY protocol header, if any). */
    private InetSocketAddress client;
    private TransportProtocol transport = TransportProtocol.TCP;
    private int idlePeriods;
    private boolean counted;

    public TcpClientLink(TurnServices services, TcpConnections connections, StreamFrameDecoder decoder) {
        super(services);
        this.connections = connections;
        this.decoder = decoder;
    }

    /** The last handler of the connection's pipeline: the frames {@link StreamFrameDecoder} cut. */
    public ChannelHandler handler() {
        return new Connection();
    }

    private final class Connection extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (!connections.tryOpen()) {
                counters.increment(ServerCounter.TCP_REFUSED);
                ctx.close();
                return;
            }
            counted = true;
            channel = ctx.channel();
            startServing(channel.eventLoop(), (InetSocketAddress) channel.localAddress());
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (counted) {
                connections.close();
                stopServing();
            }
            releaseAllocation(AllocationEnd.CONNECTION_CLOSED);
            ctx.fireChannelInactive();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            idlePeriods = 0;
            if (client == null) {
                client = ProxyHeaderReader.clientAddress(channel);
                transport = channel.pipeline().get(SslHandler.class) != null ? TransportProtocol.TLS
                        : TransportProtocol.TCP;
            }
            read(frame, client);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            readComplete();
            ctx.fireChannelReadComplete();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                idlePeriods++;
                if (decoder.hasPartialFrame()
                        || !hasAllocation() && idlePeriods >= IDLE_PERIODS_WITHOUT_ALLOCATION) {
                    counters.increment(ServerCounter.TCP_TIMED_OUT);
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A reset or a broken pipe ends this client only; the stack trace would say nothing useful.
            ctx.close();
        }
    }

    @Override
    public TransportProtocol transport() {
        return transport;
    }

    @Override
    public void write(ByteBuf frame, InetSocketAddress client) {
        if (!channel.isWritable()) {
            // A client that does not read its connection must not make the server buffer without bound.
            frame.release();
            counters.increment(ServerCounter.CLIENT_BACKLOG_DROPPED);
            return;
        }
        if (transport == TransportProtocol.TLS) {
            // One TLS record per STUN or ChannelData message: some clients (coturn's among them) take one message
            // from each record and lose the rest. The flush ends the record; a FlushConsolidationHandler under the
            // SslHandler still leaves the records of a read batch in one write to the socket.
            channel.writeAndFlush(frame, channel.voidPromise());
            return;
        }
        channel.write(frame, channel.voidPromise());
    }

    @Override
    void flushNow() {
        channel.flush();
    }
}
