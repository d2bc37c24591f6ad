package io.turnkit.ice.stun;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;

/**
 * One frame a {@link StunTransport} received: a datagram, or one STUN or ChannelData message cut from a stream. The
 * bytes stay valid until the transport's next receive; one instance is re-filled for every frame.
 */
public final class ReceivedFrame {
    private ByteBuf buffer;
    private int offset;
    private int length;
    private InetSocketAddress source;
    private long receivedNanos;

    void set(ByteBuf buffer, int offset, int length, InetSocketAddress source, long receivedNanos) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
        this.source = source;
        this.receivedNanos = receivedNanos;
    }

    public ByteBuf buffer() {
        return buffer;
    }

    /** The absolute index of the frame's first byte in {@link #buffer()}. */
    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    /** Where the frame came from: the datagram's source, or the server of a stream. */
    public InetSocketAddress source() {
        return source;
    }

    /** {@link System#nanoTime()} when the frame was read, for round-trip times. */
    public long receivedNanos() {
        return receivedNanos;
    }

    /** The first byte, which tells STUN (0–3) from ChannelData (64–79) (RFC 7983 §7); -1 for an empty frame. */
    public int firstByte() {
        return length == 0 ? -1 : buffer.getUnsignedByte(offset);
    }
}
