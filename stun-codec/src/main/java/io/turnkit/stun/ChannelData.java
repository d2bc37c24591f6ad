package io.turnkit.stun;

import io.netty.buffer.ByteBuf;

/**
 * Flyweight over a TURN ChannelData message (RFC 8656 §12.4): the 4-byte header that replaces
 * the 36 or more bytes of a Send or Data indication once a channel is bound.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Channel Number        |            Length             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                                                               |
 * /                       Application Data                        /
 * /                                                               /
 * |                                                               |
 * |                               +-------------------------------+
 * |                               |
 * +-------------------------------+
 * </pre>
 *
 * <p>RFC 8656 §12.5: over a stream the message is padded to a multiple of 4 bytes; over UDP the
 * padding is optional, so a datagram may be longer than 4 + Length, never shorter. Reads with
 * absolute indexes only; never throws on received bytes.
 */
public final class ChannelData extends BufferRegion {
    private static final int SIZE_OF_SHORT = 2;

    public static final int CHANNEL_NUMBER_OFFSET = 0;
    public static final int LENGTH_OFFSET = CHANNEL_NUMBER_OFFSET + SIZE_OF_SHORT;
    public static final int DATA_OFFSET = LENGTH_OFFSET + SIZE_OF_SHORT;
    public static final int HEADER_LENGTH = DATA_OFFSET;
    /** RFC 8656 §12: the channel numbers a client may bind. */
    public static final int MIN_CHANNEL = 0x4000;
    public static final int MAX_CHANNEL = 0x4FFF;
    /** RFC 5766 §11: the older, wider range that RFC 5766 clients (coturn's tools among them) still bind. */
    public static final int MAX_RFC5766_CHANNEL = 0x7FFF;

    /** Wraps {@code length} received bytes at {@code offset}. */
    public ChannelData wrap(ByteBuf buffer, int offset, int length) {
        region(buffer, offset, length);
        return this;
    }

    /**
     * Checks the header against the bytes received; {@code stream} for TCP/TLS, where the data is
     * followed by padding to 4 bytes (RFC 8656 §12.5).
     */
    public ChannelDataValidation validate(boolean stream) {
        if (buffer == null || length < HEADER_LENGTH || offset < 0 || offset > buffer.capacity() - length) {
            return ChannelDataValidation.TOO_SHORT;
        }
        if (!isChannelNumber(channelNumber())) {
            return ChannelDataValidation.BAD_CHANNEL_NUMBER;
        }
        int needed = stream ? paddedLength(dataLength()) : HEADER_LENGTH + dataLength();
        return needed <= length ? ChannelDataValidation.VALID : ChannelDataValidation.LENGTH_OVERRUN;
    }

    public int channelNumber() {
        return buffer.getUnsignedShort(offset + CHANNEL_NUMBER_OFFSET);
    }

    /** The Length field: application data bytes, padding excluded. */
    public int dataLength() {
        return buffer.getUnsignedShort(offset + LENGTH_OFFSET);
    }

    /** The absolute index of the application data. */
    public int dataOffset() {
        return offset + DATA_OFFSET;
    }

    /** RFC 8656 §12: 0x4000 through 0x4FFF, the numbers a client should choose. */
    public static boolean isValidChannelNumber(int n) {
        return n >= MIN_CHANNEL && n <= MAX_CHANNEL;
    }

    /**
     * Whether a ChannelData message or a ChannelBind may carry {@code n}: 0x4000 through 0x7FFF. RFC 8656 §12
     * narrowed the range to 0x4FFF to keep clear of DTLS-SRTP's first bytes (RFC 7983), but RFC 5766 clients
     * still bind up to 0x7FFF; nothing else shares a TURN server's client port, so a server accepts both
     * ranges, as coturn does.
     */
    public static boolean isChannelNumber(int n) {
        return n >= MIN_CHANNEL && n <= MAX_RFC5766_CHANNEL;
    }

    /** Writes the 4-byte header at the writer index (the data follows, or is composed after it). */
    public static void writeHeader(ByteBuf out, int channelNumber, int dataLength) {
        out.ensureWritable(HEADER_LENGTH);
        setHeader(out, out.writerIndex(), channelNumber, dataLength);
        out.writerIndex(out.writerIndex() + HEADER_LENGTH);
    }

    /** Sets the 4-byte header at {@code index}, in front of data already in place. */
    public static void setHeader(ByteBuf out, int index, int channelNumber, int dataLength) {
        if (!isChannelNumber(channelNumber) || (dataLength & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("channel " + channelNumber + ", length " + dataLength);
        }
        out.setShort(index, channelNumber);
        out.setShort(index + 2, dataLength);
    }

    /** The length of a ChannelData message over a stream: 4 + data, rounded up to 4 (RFC 8656 §12.5). */
    public static int paddedLength(int dataLength) {
        return (HEADER_LENGTH + dataLength + 3) & ~3;
    }
}
