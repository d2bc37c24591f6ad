package io.turnkit.server.transport.proxy;

import java.net.InetSocketAddress;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.ProtocolDetectionResult;
import io.netty.handler.codec.ProtocolDetectionState;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.haproxy.HAProxyProtocolVersion;
import io.netty.handler.codec.haproxy.HAProxyProxiedProtocol;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;

/**
 * The first handler of a TCP connection behind a load balancer that speaks the PROXY protocol (HAProxy's
 * proxy-protocol.txt, versions 1 and 2): the header's source address is the client's, for XOR-MAPPED-ADDRESS,
 * the 5-tuple, rate limits and logs. A connection that does not start with a header, or whose header is
 * malformed, longer than {@link #MAX_TLV_BYTES} of TLVs allow, or not finished before the connection idles,
 * is counted and closed: without the header the client's address is unknown.
 */
public final class ProxyHeaderReader extends ByteToMessageDecoder {
    /**
     * TLVs a v2 header may carry (AWS NLB's VPC endpoint id, SSL details): a header announcing more is forged
     * and refused at once, rather than waited for.
     */
    static final int MAX_TLV_BYTES = 1024;
    /** proxy-protocol.txt §2.2: signature (12), version and command, family and protocol, length (2). */
    private static final int V2_FIXED_BYTES = 16;
    private static final int V2_LENGTH_OFFSET = 14;
    /** proxy-protocol.txt §2.2: the largest address block, two AF_UNIX paths of 108 bytes. */
    private static final int V2_MAX_ADDRESS_BYTES = 216;
    static final AttributeKey<InetSocketAddress> CLIENT = AttributeKey.valueOf("turnkit.proxy.client");

    private final ServerCounters counters;

    public ProxyHeaderReader(ServerCounters counters) {
        this.counters = counters;
    }

    /** The client of {@code channel}: the PROXY header's source, else the connection's remote address. */
    public static InetSocketAddress clientAddress(Channel channel) {
        InetSocketAddress proxied = channel.attr(CLIENT).get();
        return proxied != null ? proxied : (InetSocketAddress) channel.remoteAddress();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        ProtocolDetectionResult<HAProxyProtocolVersion> detected = HAProxyMessageDecoder.detectProtocol(in);
        if (detected.state() == ProtocolDetectionState.NEEDS_MORE_DATA) {
            return;
        }
        if (detected.state() == ProtocolDetectionState.INVALID) {
            refuse(ctx, in);
            return;
        }
        if (detected.detectedProtocol() == HAProxyProtocolVersion.V2) {
            if (in.readableBytes() < V2_FIXED_BYTES) {
                return;
            }
            // proxy-protocol.txt §2.2: the 16-bit length of what follows the 16 fixed bytes. One longer than any
            // address block with our TLVs is forged: refused now, not after waiting for the bytes it announces.
            if (in.getUnsignedShort(in.readerIndex() + V2_LENGTH_OFFSET) > V2_MAX_ADDRESS_BYTES + MAX_TLV_BYTES) {
                refuse(ctx, in);
                return;
            }
        }
        // Netty's decoder reads the header, hands it on and leaves the pipeline; the bytes after it follow.
        ctx.pipeline().addAfter(ctx.name(), null, new HeaderReceiver(counters));
        ctx.pipeline().addAfter(ctx.name(), null, new HAProxyMessageDecoder(MAX_TLV_BYTES, true));
        ctx.pipeline().remove(this);
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in) {
        counters.increment(ServerCounter.PROXY_REFUSED);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            counters.increment(ServerCounter.PROXY_REFUSED);
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    /** Takes the decoded header; refuses a connection whose header the decoder rejected or never finished. */
    private static final class HeaderReceiver extends ChannelInboundHandlerAdapter {
        private final ServerCounters counters;

        HeaderReceiver(ServerCounters counters) {
            this.counters = counters;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof HAProxyMessage header)) {
                ctx.fireChannelRead(msg);
                return;
            }
            try {
                InetSocketAddress client = source(header);
                if (client != null) {
                    ctx.channel().attr(CLIENT).set(client);
                }
            } finally {
                header.release();
            }
            ctx.pipeline().remove(this);
        }

        /**
         * The client's address; null for a LOCAL header (the balancer's own health check: the connection's
         * addresses are the real ones) or a protocol other than TCP over IPv4 or IPv6.
         */
        private static InetSocketAddress source(HAProxyMessage header) {
            HAProxyProxiedProtocol protocol = header.proxiedProtocol();
            if (header.command() == HAProxyCommand.LOCAL
                    || protocol != HAProxyProxiedProtocol.TCP4 && protocol != HAProxyProxiedProtocol.TCP6) {
                return null;
            }
            return new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(header.sourceAddress()),
                    header.sourcePort());
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                counters.increment(ServerCounter.PROXY_REFUSED);
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            counters.increment(ServerCounter.PROXY_REFUSED);
            ctx.close();
        }
    }
}
