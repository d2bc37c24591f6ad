package io.turnkit.server.transport.tls;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.stun.DetectedProtocol;
import io.turnkit.stun.ProtocolDetector;

/**
 * The first handler of every TCP connection: tells TLS from plain STUN and ChannelData by the first bytes
 * (RFC 7983 §7, and a TLS handshake record's type 22), so {@code turn:} and {@code turns:} share any port. For
 * TLS it puts an {@link io.netty.handler.ssl.SslHandler} in its place, so the same framing, allocations and
 * relay path serve both (RFC 8656 §3.1: TLS only wraps the TCP stream); for plain STUN it just steps aside.
 * Anything else is counted and the connection closed: it cannot be a TURN client.
 */
public final class StreamDemultiplexer extends ByteToMessageDecoder {
    private final ServerCertificate certificate;
    private final ServerCounters counters;

    /** {@code certificate} null refuses TLS ({@code no-tls}). */
    public StreamDemultiplexer(ServerCertificate certificate, ServerCounters counters) {
        this.certificate = certificate;
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        DetectedProtocol protocol = ProtocolDetector.detect(in, in.readerIndex(), in.readableBytes(), true);
        switch (protocol) {
            case NEED_MORE_DATA:
                return;
            case STUN:
            case CHANNEL_DATA:
                counters.increment(ServerCounter.TCP_ACCEPTED);
                // Removal hands the bytes read so far to the next handler.
                ctx.pipeline().remove(this);
                return;
            case TLS:
                if (certificate == null) {
                    refuse(ctx, in, ServerCounter.TLS_REFUSED);
                    return;
                }
                ctx.pipeline().addAfter(ctx.name(), null, new HandshakeOutcome(counters));
                ctx.pipeline().addAfter(ctx.name(), null, certificate.newHandler(ctx.alloc()));
                // The link flushes each message into a record of its own; the socket gets them a batch at a time.
                ctx.pipeline().addAfter(ctx.name(), null, new FlushConsolidationHandler(
                        FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
                ctx.pipeline().remove(this);
                return;
            default:
                // Counted as the frame decoder counts a stream it cannot cut: the same garbage, one counter.
                refuse(ctx, in, ServerCounter.TCP_BAD_FRAME);
        }
    }

    private void refuse(ChannelHandlerContext ctx, ByteBuf in, ServerCounter counter) {
        counters.increment(counter);
        in.skipBytes(in.readableBytes());
        ctx.close();
    }

    /** Counts a failed handshake (the SslHandler closes the connection), then leaves the pipeline. */
    private static final class HandshakeOutcome extends ChannelInboundHandlerAdapter {
        private final ServerCounters counters;

        HandshakeOutcome(ServerCounters counters) {
            this.counters = counters;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof SslHandshakeCompletionEvent completion) {
                counters.increment(completion.isSuccess() ? ServerCounter.TLS_ACCEPTED
                        : ServerCounter.TLS_HANDSHAKE_FAILED);
                ctx.pipeline().remove(this);
            }
            ctx.fireUserEventTriggered(event);
        }
    }
}
