package io.turnkit.stun;

import io.netty.buffer.ByteBuf;

/**
 * Frames STUN and ChannelData messages on a stream (TCP, TLS): RFC 8656 §12.5 and RFC 6062 carry
 * them back to back, told apart by the first two bits (RFC 8489 §6: 0b00 for STUN; RFC 8656 §12:
 * 0b01 for ChannelData), with ChannelData padded to 4 bytes.
 */
public final class StreamFraming {
    /** Not enough bytes yet to know the frame, or the frame is not complete. */
    public static final int NEED_MORE = -1;
    /** Not STUN nor ChannelData, or longer than allowed: the stream cannot be resynchronised. */
    public static final int INVALID = -2;

    /** The bytes of a STUN header needed to check the magic cookie. */
    private static final int STUN_PREFIX = StunMessage.MAGIC_COOKIE_OFFSET + 4;
    private static final int FIRST_TWO_BITS = 0xC0;
    private static final int CHANNEL_DATA_BITS = 0x40;

    private StreamFraming() {
    }

    /**
     * The total length (padding included) of the frame at {@code offset} when all of it is among
     * the {@code readable} bytes; {@link #NEED_MORE} when not yet; {@link #INVALID} when the bytes
     * are neither STUN (magic cookie, length a multiple of 4) nor ChannelData (channel
     * 0x4000–0x7FFF, see {@link ChannelData#isChannelNumber}), or the frame would exceed {@code maxFrame}.
     */
    public static int frameLength(ByteBuf buffer, int offset, int readable, int maxFrame) {
        if (readable < ChannelData.HEADER_LENGTH) {
            return NEED_MORE;
        }
        int first = buffer.getUnsignedByte(offset) & FIRST_TWO_BITS;
        int frame;
        if (first == 0) {
            if (readable < STUN_PREFIX) {
                return NEED_MORE;
            }
            int messageLength = buffer.getUnsignedShort(offset + StunMessage.LENGTH_OFFSET);
            if (buffer.getInt(offset + StunMessage.MAGIC_COOKIE_OFFSET) != StunMessage.MAGIC_COOKIE
                || (messageLength & 3) != 0) {
                return INVALID;
            }
            frame = StunMessage.HEADER_LENGTH + messageLength;
        } else if (first == CHANNEL_DATA_BITS) {
            if (!ChannelData.isChannelNumber(buffer.getUnsignedShort(offset))) {
                return INVALID;
            }
            frame = ChannelData.paddedLength(buffer.getUnsignedShort(offset + ChannelData.LENGTH_OFFSET));
        } else {
            return INVALID;
        }
        if (frame > maxFrame) {
            return INVALID;
        }
        return frame <= readable ? frame : NEED_MORE;
    }
}
