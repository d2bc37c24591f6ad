package io.turnkit.ice.driver;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * RFC 4571 §2 framing, which ICE-TCP uses for every STUN message and every packet of data (RFC 6544 §3): a frame is
 * a 16-bit length and that many bytes, back to back on the connection. One reader per connection, on its event
 * loop.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |             LENGTH            |  STUN or data ...             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * </pre>
 *
 * <p>The length field bounds a frame to 65535 bytes, so the reader holds at most one partial frame and what the last
 * read brought past it; whatever a peer sends, that is all it can make this side keep. Frames are handed out as
 * the reader's own buffer with its indexes narrowed to the frame: no copy and no object per frame.
 */
final class Rfc4571Frames {
    static final int LENGTH_SIZE = 2;
    /** The largest frame the 16-bit length can describe. */
    static final int MAX_FRAME = 0xFFFF;
    private static final int INITIAL_CAPACITY = 2048;

    /** What receives each frame; the frame's bytes and indexes are the reader's again once it returns. */
    interface FrameHandler {
        void frame(ByteBuf frame);
    }

    private final ByteBuf inbound = Unpooled.buffer(INITIAL_CAPACITY);
    private boolean stopped;

    /** Adds what the connection read; the caller still owns {@code bytes}. */
    void append(ByteBuf bytes) {
        inbound.discardReadBytes();
        inbound.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
    }

    /**
     * Hands every whole frame read so far to {@code handler}, in order, until {@link #stop()} or the bytes end
     * inside a frame. Returns how many it handed out.
     */
    int drain(FrameHandler handler) {
        int count = 0;
        stopped = false;
        while (!stopped && inbound.readableBytes() >= LENGTH_SIZE) {
            int start = inbound.readerIndex();
            int length = inbound.getUnsignedShort(start);
            if (inbound.readableBytes() < LENGTH_SIZE + length) {
                break;
            }
            int end = start + LENGTH_SIZE + length;
            int writer = inbound.writerIndex();
            inbound.setIndex(start + LENGTH_SIZE, end);
            try {
                handler.frame(inbound);
            } finally {
                inbound.setIndex(end, writer);
            }
            count++;
        }
        return count;
    }

    /** Ends the current {@link #drain} after the frame being handled (the connection changes hands or closes). */
    void stop() {
        stopped = true;
    }

    /** Bytes kept waiting for the rest of their frame. */
    int buffered() {
        return inbound.readableBytes();
    }

    /** The 2-byte header that goes before {@code length} bytes; null when they cannot be one frame. */
    static ByteBuf header(ByteBufAllocator allocator, int length) {
        if (length > MAX_FRAME) {
            return null;
        }
        return allocator.ioBuffer(LENGTH_SIZE).writeShort(length);
    }
}
