package io.turnkit.stun;

import io.netty.buffer.ByteBuf;

/**
 * The bytes a flyweight looks at: {@code length} bytes of a buffer from the absolute index {@code offset}. The
 * buffer's reader and writer indexes are never moved, so one buffer can be read by several flyweights at once.
 */
public abstract class BufferRegion {
    ByteBuf buffer;
    int offset;
    int length;

    /** Points this flyweight at other bytes; what the subclass derived from the previous ones it resets itself. */
    protected final void region(ByteBuf buffer, int offset, int length) {
        this.buffer = buffer;
        this.offset = offset;
        this.length = length;
    }

    public final ByteBuf buffer() {
        return buffer;
    }

    /** The absolute index of the first byte in {@link #buffer()}. */
    public final int offset() {
        return offset;
    }

    /** The bytes received, which a valid message may be shorter than (padding, or a datagram's tail). */
    public final int length() {
        return length;
    }
}
