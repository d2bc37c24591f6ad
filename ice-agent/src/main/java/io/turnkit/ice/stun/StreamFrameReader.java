package io.turnkit.ice.stun;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.turnkit.stun.StreamFraming;

/**
 * Cuts the byte stream of a TCP or TLS connection to a STUN or TURN server into whole frames: RFC 8656 §12.5 sends
 * STUN messages and ChannelData back to back with no other framing than their own headers (as RFC 4571 does with
 * a length prefix), ChannelData padded to a multiple of 4 bytes. Bytes arrive in any chunks; a frame split across
 * reads is kept until it is complete. Not thread-safe; one per connection.
 *
 * <pre>{@code
 * reader.append(chunk);
 * for (ByteBuf frame = reader.next(); frame != null; frame = reader.next()) {
 *     session.handleInput(server, frame, now);
 * }
 * }</pre>
 */
public final class StreamFrameReader {
    private static final int INITIAL_CAPACITY = 16 * 1024;

    /**
     * Grows as bytes come; a caller that takes every whole frame after each read holds at most one frame (up to
     * {@link StunTransport#MAX_FRAME}, longer ones are refused) plus what it read past it.
     */
    private final ByteBuf inbound = Unpooled.buffer(INITIAL_CAPACITY);

    /** Adds the readable bytes of {@code bytes} (their reader index is left alone). */
    public void append(ByteBuf bytes) {
        compact();
        inbound.writeBytes(bytes, bytes.readerIndex(), bytes.readableBytes());
    }

    /** Adds {@code bytes[offset, offset + length)}. */
    public void append(byte[] bytes, int offset, int length) {
        compact();
        inbound.writeBytes(bytes, offset, length);
    }

    /**
     * Reads once from {@code in}, up to {@code max} bytes.
     *
     * @return the bytes read, or -1 at the end of the stream
     */
    public int readFrom(InputStream in, int max) throws IOException {
        compact();
        inbound.ensureWritable(max);
        return inbound.writeBytes(in, max);
    }

    /**
     * The next whole frame, padding included, as a slice valid until the next {@code append} or {@code readFrom};
     * null when the bytes so far end inside a frame.
     *
     * @throws ProtocolException when the bytes are neither STUN nor ChannelData: the stream cannot be
     *                           resynchronised, and the connection must be closed
     */
    public ByteBuf next() throws ProtocolException {
        int frame = StreamFraming.frameLength(inbound, inbound.readerIndex(), inbound.readableBytes(),
                StunTransport.MAX_FRAME);
        if (frame == StreamFraming.INVALID) {
            throw new ProtocolException("the server sent bytes that are neither STUN nor ChannelData");
        }
        if (frame == StreamFraming.NEED_MORE) {
            return null;
        }
        ByteBuf slice = inbound.slice(inbound.readerIndex(), frame);
        inbound.skipBytes(frame);
        return slice;
    }

    /** How many bytes wait for the rest of their frame. */
    public int buffered() {
        return inbound.readableBytes();
    }

    /** The frames handed out have been used: their bytes can go. */
    private void compact() {
        inbound.discardReadBytes();
    }
}
