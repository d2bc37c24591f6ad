package io.turnkit.server.transport;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.turnkit.server.metrics.ServerCounter;
import io.turnkit.server.metrics.ServerCounters;
import io.turnkit.stun.StreamFraming;

/**
 * Cuts a TCP byte stream into STUN messages and padded ChannelData frames (RFC 8656 §12.5). A stream that
 * is not STUN or ChannelData, or announces a frame larger than allowed, cannot be resynchronised: close it.
 */
public final class StreamFrameDecoder extends ByteToMessageDecoder {
    /** A STUN message or ChannelData frame is at most 64 KiB + headers; nothing legitimate is larger. */
    static final int MAX_FRAME = 65_536 + 4 + 3;

    private final ServerCounters counters;

    public StreamFrameDecoder(ServerCounters counters) {
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int length = StreamFraming.frameLength(in, in.readerIndex(), in.readableBytes(), MAX_FRAME);
            if (length == StreamFraming.NEED_MORE) {
                return;
            }
            if (length == StreamFraming.INVALID) {
                counters.increment(ServerCounter.TCP_BAD_FRAME);
                in.skipBytes(in.readableBytes());
                ctx.close();
                return;
            }
            out.add(in.readRetainedSlice(length));
        }
    }

    /** True while part of a frame is buffered: a client that stops here has stalled. */
    public boolean hasPartialFrame() {
        return actualReadableBytes() > 0;
    }
}
