package io.turnkit.stun;

/** The result of {@link ChannelData#validate(boolean)}. */
public enum ChannelDataValidation {
    /** A well-formed ChannelData message. */
    VALID,
    /** Fewer than the 4 header bytes. */
    TOO_SHORT,
    /** RFC 8656 §12: the channel number is outside 0x4000–0x4FFF (0x5000–0x7FFF are reserved). */
    BAD_CHANNEL_NUMBER,
    /** The length field claims more data than was received (with padding, over a stream). */
    LENGTH_OVERRUN
}
