package io.turnkit.stun;

import io.netty.buffer.ByteBuf;

/**
 * Frames STUN and ChannelData messages on a stream (TCP, TLS): RFC 8656 §12.5 and RFC 6062 carry
 * them back to back, told apart by their first byte as on a datagram port ({@link ProtocolDetector}),
 * with ChannelData padded to 4 bytes.
 */
public final class StreamFraming {
    /** Not enough bytes yet to know the frame, or the frame is not complete. */
    public static final int NEED_MORE = -1;
    /** Not STUN nor ChannelData, or longer than allowed: the stream cannot be resynchronised. */
    public static final int INVALID = -2;

    /** The bytes of a STUN header needed to check the magic cookie. */
    private static final int STUN_PREFIX = StunMessage.MAGIC_COOKIE_OFFSET + 4;

    private StreamFraming() {
    }

    /**
     * The total length (padding included) of the frame at {@code offset} when all of it is among
     * the {@code readable} bytes; {@link #NEED_MORE} when not yet; {@link #INVALID} when the bytes
     * are neither STUN (first byte 0–3, magic cookie, length a multiple of 4) nor ChannelData (channel
     * 0x4000–0x7FFF, see {@link ChannelData#isChannelNumber}), or the frame would exceed {@code maxFrame}.
     */
    public static int frameLength(ByteBuf buffer, int offset, int readable, int maxFrame) {
        if (readable < ChannelData.HEADER_LENGTH) {
            return NEED_MORE;
        }
        DetectedProtocol protocol = ProtocolDetector.detect(buffer.getUnsignedByte(offset));
        int frame;
        if (protocol == DetectedProtocol.STUN) {
            if (readable < STUN_PREFIX) {
                return NEED_MORE;
            }
            int messageLength = buffer.getUnsignedShort(offset + StunMessage.LENGTH_OFFSET);
            if (buffer.getInt(offset + StunMessage.MAGIC_COOKIE_OFFSET) != StunMessage.MAGIC_COOKIE
                || (messageLength & 3) != 0) {
                return INVALID;
            }
            frame = StunMessage.HEADER_LENGTH + messageLength;
        } else if (protocol == DetectedProtocol.CHANNEL_DATA) {
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
