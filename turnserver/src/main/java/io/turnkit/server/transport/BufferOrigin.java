package io.turnkit.server.transport;

import io.netty.buffer.ByteBuf;

/**
 * Where a slice's bytes lie in the buffer it was cut from. Netty hands received datagrams up as slices of one
 * receive buffer; the packet path writes ChannelData headers into that buffer's free bytes and copies through
 * its cached NIO view, neither of which a slice offers.
 */
public final class BufferOrigin {
    private BufferOrigin() {
    }

    /** The buffer {@code buffer} was cut from: under slices, duplicates and the leak detector's wrapper, if any. */
    public static ByteBuf of(ByteBuf buffer) {
        ByteBuf origin = buffer;
        while (origin.unwrap() != null) {
            origin = origin.unwrap();
        }
        return origin;
    }

    /**
     * The index in {@code origin} of {@code derived}'s byte at {@code index}, or -1 where it is not known (a
     * buffer without a memory address).
     */
    static int indexIn(ByteBuf origin, ByteBuf derived, int index) {
        if (origin == derived) {
            return index;
        }
        if (derived.hasMemoryAddress() && origin.hasMemoryAddress()) {
            return (int) (derived.memoryAddress() - origin.memoryAddress()) + index;
        }
        return -1;
    }
}
