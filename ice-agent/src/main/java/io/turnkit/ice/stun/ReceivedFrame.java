package io.turnkit.ice.stun;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.turnkit.stun.BufferRegion;

/**
 * One frame a {@link StunTransport} received: a datagram, or one STUN or ChannelData message cut from a stream. The
 * bytes stay valid until the transport's next receive; one instance is re-filled for every frame.
 */
public final class ReceivedFrame extends BufferRegion {
    private InetSocketAddress source;
    private long receivedNanos;

    void set(ByteBuf buffer, int offset, int length, InetSocketAddress source, long receivedNanos) {
        region(buffer, offset, length);
        this.source = source;
        this.receivedNanos = receivedNanos;
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
        return length() == 0 ? -1 : buffer().getUnsignedByte(offset());
    }
}
