package io.turnkit.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.DefaultMaxMessagesRecvByteBufAllocator;
import io.turnkit.stun.ChannelData;

/**
 * Receive buffers that keep 4 free bytes in front of every datagram, so a peer's datagram becomes the
 * ChannelData message to its client (RFC 8656 §12.4: a 4-byte header, then the data) by writing the header in
 * front of the data instead of copying the data behind a new header.
 * <p>
 * A buffer begins with the 4 bytes. After that, recvmmsg puts datagram i at i × {@code slot} (epoll), and a
 * UDP payload is at most 65,527 bytes (RFC 768: the 16-bit length counts the 8-byte header too), so with a slot
 * of {@link Transports#MAX_DATAGRAM} bytes the kernel never writes the last 8 bytes of a slot: they are the
 * 4 bytes in front of the next datagram. The header lands only in bytes no datagram occupies, so datagrams
 * of the batch still queued, uncopied, for other destinations stay intact.
 * <p>
 * A frame made this way holds its whole receive buffer (8 slots of 64 KiB) until it is sent, so only client
 * links that send soon take them, and only from so many buffers ({@code ClientLink.admitFramesInPlace});
 * the others get a copy.
 */
public final class ChannelDataHeadroom extends DefaultMaxMessagesRecvByteBufAllocator {
    public static final int HEADROOM = ChannelData.HEADER_LENGTH;
    private final int bytes;

    /** Buffers for {@code bytes} of datagrams, behind the headroom; {@code datagramsPerBatch} read per wakeup at most. */
    public ChannelDataHeadroom(int bytes, int datagramsPerBatch) {
        super(datagramsPerBatch);
        this.bytes = bytes;
    }

    @Override
    @SuppressWarnings("deprecation")
    public Handle newHandle() {
        return new MaxMessageHandle() {
            @Override
            public int guess() {
                return bytes;
            }

            @Override
            public ByteBuf allocate(ByteBufAllocator allocator) {
                ByteBuf buffer = allocator.ioBuffer(HEADROOM + bytes);
                // Channels read from the reader index on, and recvmmsg slots count from the writer index.
                return buffer.setIndex(HEADROOM, HEADROOM);
            }
        };
    }

    /**
     * The ChannelData message to {@code channel} made of {@code data}, a datagram received into {@code buffer}
     * (a buffer of this allocator: {@link BufferOrigin#of} the data), by writing the header in front of it; the
     * message shares the data's memory and holds its own reference to the buffer. Null where the data's place in
     * its buffer is not known (a slice of a buffer without a memory address); then the caller copies.
     */
    public static ByteBuf frameInPlace(ByteBuf data, ByteBuf buffer, int channel) {
        int start = BufferOrigin.indexIn(buffer, data, data.readerIndex());
        int length = data.readableBytes();
        if (start < HEADROOM || start + length > buffer.capacity()) {
            return null;
        }
        ChannelData.setHeader(buffer, start - HEADROOM, channel, length);
        return buffer.retainedSlice(start - HEADROOM, HEADROOM + length);
    }
}
