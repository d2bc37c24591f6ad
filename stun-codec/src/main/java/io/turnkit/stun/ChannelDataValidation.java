package io.turnkit.stun;

/** The result of {@link ChannelData#validate(boolean)}. */
public enum ChannelDataValidation {
    /** A well-formed ChannelData message. */
    VALID,
    /** Fewer than the 4 header bytes. */
    TOO_SHORT,
    /** The channel number is outside 0x4000–0x7FFF (see {@link ChannelData#isChannelNumber}). */
    BAD_CHANNEL_NUMBER,
    /** The length field claims more data than was received (with padding, over a stream). */
    LENGTH_OVERRUN
}
